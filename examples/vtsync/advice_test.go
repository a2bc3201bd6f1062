package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A wrong password, a wrong path and a server that is down each get
// advice naming what to check, from check and from a run alike.
func TestConnectionAdvice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(r *rig)
		want   string
	}{
		{"wrong password", func(r *rig) { r.env["VTSYNC_VETTRAK_PASSWORD"] = "wrong-pw-1" },
			`VETtrak refused the login of "vtsync-api": check vettrak.username in the config and the password in $VTSYNC_VETTRAK_PASSWORD`},
		{"wrong path", func(r *rig) { r.config["vettrak"].(map[string]any)["endpoint"] = r.vt.URL() + "x" },
			"has no VETtrak API at " + "http"},
		{"server down", func(r *rig) {
			r.config["vettrak"].(map[string]any)["endpoint"] = "http://127.0.0.1:1/VT_API.asmx"
		}, "nothing answers at http://127.0.0.1:1/VT_API.asmx: is the VETtrak server (or the fake one) running"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t)
			tt.change(r)
			for _, cmd := range []string{"check", "plan"} {
				res := r.run(cmd)
				assert.Equal(t, exitConnection, res.code, res)
				assert.Contains(t, res.stderr, tt.want, cmd)
				assert.NotContains(t, res.stderr, "check the endpoint URLs, the network", "specific advice replaces the generic line")
			}
		})
	}
}
