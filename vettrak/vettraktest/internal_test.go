package vettraktest

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/vettrak"
)

func TestEveryWSDLOperationHasAHandler(t *testing.T) {
	params := paramTypes()
	var ops []string
	for op := range params {
		ops = append(ops, op)
		assert.NotNil(t, handlerFor(op), op)
		if op != "ValidateClient" && op != "ValidateUser" {
			assert.Contains(t, params[op], tokenParam(op), "%s carries its token in %s", op, tokenParam(op))
		}
	}
	slices.Sort(ops)
	want := vettrak.Operations()
	slices.Sort(want)
	assert.Equal(t, want, ops, "the client and the WSDL list the same operations")
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
