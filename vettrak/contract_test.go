package vettrak_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

type diffKey struct {
	Op           string
	Kind         vettrak.DiffKind
	Ours, Theirs string
}

func keys(ds []vettrak.ContractDifference) []diffKey {
	out := []diffKey{}
	for _, d := range ds {
		out = append(out, diffKey{d.Op, d.Kind, d.Ours, d.Theirs})
	}
	return out
}

var (
	renamedParam     = vettraktest.WSDLVariant{RenameParams: map[string]map[string]string{"UpdateLMSOccurrenceStatus": {"iStatus": "iUploaded"}}}
	missingOperation = vettraktest.WSDLVariant{RemoveOperations: []string{"GetResultTypes"}}
	renamedContainer = vettraktest.WSDLVariant{RenameFields: map[string]map[string]string{"TAuthClieList": {"ClieList": "ClientList"}}}
	changedType      = vettraktest.WSDLVariant{ParamTypes: map[string]map[string]string{"UpdateResult": {"iEnro_ID": "s:string"}}}
)

// The contract check reports exactly what a server's WSDL changes, each
// with its consequence, and prints the wire names that fix renames.
func TestCheckContractReportsExactlyTheDifferences(t *testing.T) {
	all := vettraktest.WSDLVariant{
		RenameParams: renamedParam.RenameParams, RemoveOperations: missingOperation.RemoveOperations,
		RenameFields: renamedContainer.RenameFields, ParamTypes: changedType.ParamTypes,
	}
	cases := []struct {
		name    string
		variant *vettraktest.WSDLVariant
		want    []diffKey
		text    []string
	}{
		{"the SDK's own contract", nil, []diffKey{}, []string{"matches the SDK for all 21 operations"}},
		{"renamed parameter", &renamedParam,
			[]diffKey{{"UpdateLMSOccurrenceStatus", vettrak.DiffRenamed, "iStatus", "iUploaded"}},
			[]string{"UpdateLMSOccurrenceStatus: the server expects iUploaded where the SDK sends iStatus", "the LMS flag would be reset instead of set",
				`vettrak.WithWireNames(vettrak.WireNames{"UpdateLMSOccurrenceStatus": {"iStatus": "iUploaded"}})`}},
		{"missing operation", &missingOperation,
			[]diffKey{{"GetResultTypes", vettrak.DiffMissingOperation, "", ""}},
			[]string{"GetResultTypes: the server has no such operation: the SDK cannot read what it returns"}},
		{"renamed list container", &renamedContainer,
			[]diffKey{{"GetAccessibleClients", vettrak.DiffRenamed, "ClieList", "ClientList"}},
			[]string{"the server's TAuthClieList has ClientList where the SDK reads ClieList", `"GetAccessibleClients": {"ClieList": "ClientList"}`}},
		{"changed type", &changedType,
			[]diffKey{{"UpdateResult", vettrak.DiffChangedType, "iEnro_ID", "iEnro_ID"}},
			[]string{"parameter iEnro_ID is a string on the server where the SDK sends an int"}},
		{"all four", &all, []diffKey{
			{"UpdateLMSOccurrenceStatus", vettrak.DiffRenamed, "iStatus", "iUploaded"},
			{"GetAccessibleClients", vettrak.DiffRenamed, "ClieList", "ClientList"},
			{"GetResultTypes", vettrak.DiffMissingOperation, "", ""},
			{"UpdateResult", vettrak.DiffChangedType, "iEnro_ID", "iEnro_ID"},
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var opts []vettraktest.Option
			if tc.variant != nil {
				opts = append(opts, vettraktest.WithWSDLVariant(*tc.variant))
			}
			api, srv := pair(t, opts)
			rep, err := api.CheckContract(t.Context())
			require.NoError(t, err)
			assert.ElementsMatch(t, tc.want, keys(rep.Differences))
			assert.Equal(t, 21, rep.Operations)
			assert.Equal(t, len(tc.want) == 0, rep.OK())
			for _, s := range tc.text {
				assert.Contains(t, rep.String(), s)
			}
			assert.Zero(t, srv.CallCount(""), "the check reads the WSDL only: no login, no operation")
		})
	}
}

// Writes through an operation whose contract differs are refused, with a
// typed error, unless allowed; reads are not affected.
func TestWritesThroughADifferentContractAreRefused(t *testing.T) {
	api, srv := pair(t, []vettraktest.Option{vettraktest.WithWSDLVariant(renamedParam)})
	ctx := t.Context()
	err := api.SetOccurrenceUploaded(ctx, vettraktest.WalkthroughTerm1, true)
	require.ErrorIs(t, err, vettrak.ErrContract, "refused before the first write, without an explicit check")
	var ce *vettrak.ContractError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "UpdateLMSOccurrenceStatus", ce.Op)
	assert.Contains(t, err.Error(), "the server expects iUploaded where the SDK sends iStatus")
	assert.Zero(t, srv.CallCount("UpdateLMSOccurrenceStatus"), "nothing was sent")
	require.NoError(t, api.SetEnrolmentUploaded(ctx, 3001, true), "an operation whose contract matches writes")
	_, err = api.LMSNewOccurrences(ctx)
	require.NoError(t, err)

	allowed, srv2 := pair(t, []vettraktest.Option{vettraktest.WithWSDLVariant(renamedParam)},
		vettrak.WithContractDifferencesAllowed("UpdateLMSOccurrenceStatus"))
	err = allowed.SetOccurrenceUploaded(ctx, vettraktest.WalkthroughTerm1, true)
	var fe *vettrak.FaultError
	require.ErrorAs(t, err, &fe, "sent: this strict server then rejects the SDK's name")
	assert.Contains(t, fe.String, "iStatus")
	assert.Equal(t, 1, srv2.CallCount("UpdateLMSOccurrenceStatus"))
}

// The wire names the check prints make a renamed server work end to end,
// and the check then reports nothing.
func TestWireNamesMakeARenamedServerWork(t *testing.T) {
	variant := vettraktest.WSDLVariant{RenameParams: renamedParam.RenameParams, RenameFields: renamedContainer.RenameFields}
	plain, _ := pair(t, []vettraktest.Option{vettraktest.WithWSDLVariant(variant)})
	rep, err := plain.CheckContract(t.Context())
	require.NoError(t, err)
	require.Len(t, rep.Suggested, 2)

	api, srv := pair(t, []vettraktest.Option{vettraktest.WithWSDLVariant(variant)}, vettrak.WithWireNames(rep.Suggested))
	ctx := t.Context()
	again, err := api.CheckContract(ctx)
	require.NoError(t, err)
	assert.Empty(t, again.Differences, again.String())
	require.NoError(t, api.SetOccurrenceUploaded(ctx, vettraktest.WalkthroughTerm1, true))
	o, _ := srv.Data().Occurrence(vettraktest.WalkthroughTerm1)
	assert.True(t, o.Uploaded, "iUploaded reached the renamed server")
	ex, _ := srv.LastExchange("UpdateLMSOccurrenceStatus")
	assert.Contains(t, string(ex.Request), "<iUploaded>1</iUploaded>")
	clients, err := api.AccessibleClients(ctx, "", nil)
	require.NoError(t, err)
	assert.Len(t, clients, 6, "read through the renamed ClientList container")
	ex, _ = srv.LastExchange("GetAccessibleClients")
	assert.Contains(t, string(ex.Response), "<ClientList>")

	// Without the mapping the renamed container reads as no clients.
	none, err := plain.AccessibleClients(ctx, "", nil)
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestWireNamesAreValidated(t *testing.T) {
	for name, w := range map[string]vettrak.WireNames{
		"unknown operation": {"NoSuchOp": {"a": "b"}},
		"not a name":        {"UpdateResult": {"iEnro_ID": "a b"}},
		"two to one":        {"UpdateResult": {"iEnro_ID": "x", "sUnit_Code": "x"}},
	} {
		_, err := vettrak.New("https://vettrak.example/VT_API.asmx", vettrak.Credentials{Username: "u"}, vettrak.WithWireNames(w))
		assert.Error(t, err, name)
	}
}

// When more than one unknown field could be the renamed one, the check
// does not guess: it reports the field missing and names the candidates.
func TestCheckContractDoesNotGuessAmongSeveralCandidates(t *testing.T) {
	api, _ := pair(t, []vettraktest.Option{vettraktest.WithWSDLVariant(vettraktest.WSDLVariant{
		RenameFields: map[string]map[string]string{"TEnun": {"Result_Name": "ResultTypeName", "AvetmissOutcome": "Outcome"}}})})
	rep, err := api.CheckContract(t.Context())
	require.NoError(t, err)
	assert.ElementsMatch(t, []diffKey{
		{"GetUnitsForEnrolment", vettrak.DiffMissing, "Result_Name", ""},
		{"GetUnitsForEnrolment", vettrak.DiffMissing, "AvetmissOutcome", ""},
	}, keys(rep.Differences))
	assert.Contains(t, rep.String(), "the server's TEnun has no Result_Name")
	assert.Contains(t, rep.String(), "fields of the same type it has that the SDK does not know: ResultTypeName, Outcome")
	assert.Empty(t, rep.Suggested)
	assert.True(t, rep.OK() == false)
}

// A first write whose context ends while the WSDL is read does not count
// as a check: the next write checks again (and is refused here).
func TestCancelledContractReadIsRetried(t *testing.T) {
	api, srv := pair(t, []vettraktest.Option{vettraktest.WithWSDLVariant(renamedParam)})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := api.SetOccurrenceUploaded(ctx, vettraktest.WalkthroughTerm1, true)
	require.ErrorIs(t, err, context.Canceled)
	err = api.SetOccurrenceUploaded(t.Context(), vettraktest.WalkthroughTerm1, true)
	require.ErrorIs(t, err, vettrak.ErrContract)
	assert.Zero(t, srv.CallCount("UpdateLMSOccurrenceStatus"))
}
