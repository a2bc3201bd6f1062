package vettraktest

import (
	"slices"
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
