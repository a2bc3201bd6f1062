package transport_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/transport"
)

func TestOperationErrorMessage(t *testing.T) {
	notFound := errors.New("canvas: not found")
	tests := []struct {
		name string
		err  *transport.OperationError
		want string
	}{
		{"cause", &transport.OperationError{Service: "moodle", Operation: "core_user_get_users", Err: errors.New("HTTP 503")}, "moodle: core_user_get_users: HTTP 503"},
		{"a sentinel of the same service is not prefixed twice", &transport.OperationError{Service: "canvas", Operation: "GET courses/{id}", Err: notFound}, "canvas: GET courses/{id}: not found"},
		{"another service's prefix stays", &transport.OperationError{Service: "vettrak", Operation: "GetResultTypes", Err: errors.New("transport: redirect refused")}, "vettrak: GetResultTypes: transport: redirect refused"},
		{"no cause", &transport.OperationError{Service: "vettrak", Operation: "Login"}, "vettrak: Login"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
			if tt.err.Err != nil {
				assert.ErrorIs(t, tt.err, tt.err.Err, "the cause stays reachable")
			}
		})
	}
}

func TestRetryPolicyValidate(t *testing.T) {
	tests := []struct {
		name    string
		p       transport.RetryPolicy
		wantErr bool
	}{
		{"zero is the default", transport.RetryPolicy{}, false},
		{"no retries", transport.NoRetries(), false},
		{"negative MaxRetries is none", transport.RetryPolicy{MaxRetries: -5}, false},
		{"only MinWait", transport.RetryPolicy{MinWait: time.Hour}, false},
		{"negative MinWait", transport.RetryPolicy{MinWait: -1}, true},
		{"negative MaxWait", transport.RetryPolicy{MaxWait: -1}, true},
		{"MinWait above MaxWait", transport.RetryPolicy{MinWait: 2 * time.Second, MaxWait: time.Second}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.wantErr, tt.p.Validate() != nil)
		})
	}
}
