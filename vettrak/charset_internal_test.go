package vettrak

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCP1252TableCoversTheGap(t *testing.T) {
	require.Len(t, []rune(cp1252), 32, "indexed by byte-0x80 for 0x80..0x9F")
	out, err := toUTF8([]byte("<?xml version='1.0' encoding='windows-1252'?><a>\x80\x9f\xa0\xff</a>"))
	require.NoError(t, err)
	assert.Equal(t, "<?xml version=\"1.0\" encoding=\"utf-8\"?><a>€Ÿ\u00a0ÿ</a>", string(out))
	same := []byte("<a>é</a>")
	out, err = toUTF8(same)
	require.NoError(t, err)
	assert.Equal(t, same, out)
	_, err = toUTF8([]byte(`<?xml version="1.0" encoding="EBCDIC"?><a/>`))
	assert.Error(t, err)
}
