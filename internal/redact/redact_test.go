package redact

import (
	"bytes"
	"errors"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSecretsString(t *testing.T) {
	var s Secrets
	s.Add(`'&7%+>-"6(+!56$0>345`, "hunter22", "ab")
	tests := []struct{ name, in, want string }{
		{"raw", "token='&7%+>-\"6(+!56$0>345 end", "token=" + Mask + " end"},
		{"xml escaped", "<sToken>&#39;&amp;7%+&gt;-&#34;6(+!56$0&gt;345</sToken>", "<sToken>" + Mask + "</sToken>"},
		{"query escaped", "?p=hunter22&x=1", "?p=" + Mask + "&x=1"},
		{"short secrets ignored", "ab cd", "ab cd"},
		{"untouched", "nothing here", "nothing here"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, s.String(tt.in))
		})
	}
}

func TestHandlerRedactsMessagesAndAttrs(t *testing.T) {
	var s Secrets
	s.Add("sekret-token")
	var buf bytes.Buffer
	log := slog.New(Handler(slog.NewTextHandler(&buf, nil), &s)).With("pre", "sekret-token")
	log.Info("login with sekret-token", "err", errors.New("bad sekret-token"),
		slog.Group("g", "tok", "sekret-token"), "n", 3)
	out := buf.String()
	assert.NotContains(t, out, "sekret-token")
	assert.Contains(t, out, Mask)
	assert.Contains(t, out, "n=3")
}

func TestRemoveForgetsASecret(t *testing.T) {
	var s Secrets
	s.Add("old-token&<>", "new-token&<>")
	s.Remove("old-token&<>")
	assert.Equal(t, "old-token&<> "+Mask, s.String("old-token&<> new-token&<>"))
	assert.Equal(t, Mask, s.String("new-token&amp;&lt;&gt;"))
}
