package sync_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// Issue 18, smaller: ASMX writes a control character typed into a name as
// a character reference (&#x1;), which XML 1.0 forbids. One such character
// in the enrolment list's redundant GivenName made the whole occurrence
// unreadable on every run; now the character is dropped, the field cleaned
// and the occurrence synced.
func TestControlCharacterInNameKeepsOccurrence(t *testing.T) {
	for _, ref := range []string{"&#x1;", "&#11;", "&#x1F;", "\x08"} {
		t.Run(ref, func(t *testing.T) {
			r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
			api := r.proxiedAPI(t, func(op string, _ *http.Response, body []byte) []byte {
				body = bytes.ReplaceAll(body, []byte("<GivenName>Julie"), []byte("<GivenName>Ju"+ref+"lie"))
				return bytes.ReplaceAll(body, []byte("<Clie_Given>Julie"), []byte("<Clie_Given>Ju"+ref+"lie"))
			})
			s, err := vtsync.New(api, r.lms, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }))
			require.NoError(t, err)
			rep, err := s.Run(context.Background())
			require.NoError(t, err)
			assert.Empty(t, rep.Failures)
			st := r.lms.Dump()
			userByGiven(t, st, "Julie")
			userByGiven(t, st, "John")
		})
	}
}
