package vettraktest

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/wsdl"
)

func TestEveryTableOperationHasAHandlerAndItsToken(t *testing.T) {
	s := newServer()
	contract := wsdl.Embedded()
	var ops []string
	for _, info := range vettrak.OperationTable() {
		ops = append(ops, info.Name)
		assert.Contains(t, s.handlers, info.Name)
		decl := contract.Operations[info.Name]
		if assert.NotNil(t, decl, "%s is in the WSDL", info.Name) && info.TokenParam != "" {
			_, ok := decl.Param(info.TokenParam)
			assert.True(t, ok, "%s carries its token in %s", info.Name, info.TokenParam)
		}
	}
	var declared []string
	for op := range contract.Operations {
		declared = append(declared, op)
	}
	slices.Sort(ops)
	slices.Sort(declared)
	assert.Equal(t, declared, ops, "the table and the WSDL list the same operations")
	assert.Len(t, s.handlers, len(ops))
}

func TestTokensCarryXMLSpecialCharacters(t *testing.T) {
	s := newServer()
	u := &User{Username: "x"}
	seen := map[string]bool{}
	for range 200 {
		tok := s.newToken(u)
		assert.False(t, seen[tok])
		seen[tok] = true
		for _, c := range []string{"&", "<", ">", "'", `"`} {
			assert.Contains(t, tok, c)
		}
		assert.Len(t, tok, 20)
	}
}

// The handler table's kind decides the answer's shape and the lock: an
// operation whose WSDL result is a bare TAuthenticate is a login
// (Validate…) or an update; every other one answers <Auth> beside its
// body, as a query.
func TestOperationKindsFollowTheWSDLResultTypes(t *testing.T) {
	contract := wsdl.Embedded()
	for name, op := range handlers() {
		t.Run(name, func(t *testing.T) {
			decl := contract.Operations[name]
			if !assert.NotNil(t, decl) || !assert.NotNil(t, decl.Result) {
				return
			}
			switch {
			case decl.Result.Type != "TAuthenticate":
				assert.Equal(t, query, op.kind)
			case strings.HasPrefix(name, "Validate"):
				assert.Equal(t, login, op.kind)
			default:
				assert.Equal(t, update, op.kind)
			}
		})
	}
}
