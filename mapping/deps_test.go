package mapping

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mapping is pure: it must not link the SOAP, HTTP or retry stack, so a
// custom workflow or an LMS backend that only maps records pays for none
// of it. The VETtrak records it reads live in vettrak/record for this.
func TestMappingLinksNoIO(t *testing.T) {
	goTool, err := exec.LookPath("go")
	require.NoError(t, err, "the go command is needed to list mapping's dependencies")
	out, err := exec.Command(goTool, "list", "-deps", ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/vtsync/vtsync/vettrak/record")
	for _, bad := range []string{
		"net/http", "net", "encoding/xml",
		"github.com/vtsync/vtsync/vettrak",
		"github.com/vtsync/vtsync/internal/httpx",
		"github.com/hashicorp/go-retryablehttp",
		"github.com/hooklift/gowsdl/soap",
		"golang.org/x/time/rate",
	} {
		assert.NotContains(t, deps, bad, "mapping links %s", bad)
	}
}
