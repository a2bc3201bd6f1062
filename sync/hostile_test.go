package sync_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// hostileSource is a custom Source (as an SDK user may write one) over the
// fake VETtrak that adds records no XML answer could carry: extra
// enrolments per occurrence, extra or repeated occurrences in the search,
// and clients the fake does not hold.
type hostileSource struct {
	vtsync.Source
	mu         gosync.Mutex
	extraEnrol map[int64][]vettrak.Enrolment
	extraOccs  []vettrak.Occurrence
	clients    map[string]vettrak.Person
	// prepend puts the extra records before the real ones.
	prepend bool
}

func newHostile(src vtsync.Source) *hostileSource {
	return &hostileSource{Source: src, extraEnrol: map[int64][]vettrak.Enrolment{}, clients: map[string]vettrak.Person{}}
}

// addLearner enrols a learner the fake does not know in an occurrence.
func (h *hostileSource) addLearner(occ, id int64, code, given, family string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.extraEnrol[occ] = append(h.extraEnrol[occ], vettrak.Enrolment{ID: id, OccurrenceID: occ, ClientCode: code, GivenName: given, Surname: family, Status: "Active"})
	h.clients[code] = vettrak.Person{Code: code, GivenName: given, Surname: family, Email: fmt.Sprintf("l%d@example.org", id)}
}

func (h *hostileSource) SearchOccurrences(ctx context.Context, q vettrak.OccurrenceQuery) ([]vettrak.Occurrence, error) {
	out, err := h.Source.SearchOccurrences(ctx, q)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.prepend {
		return append(slices.Clone(h.extraOccs), out...), err
	}
	return append(out, h.extraOccs...), err
}

func (h *hostileSource) EnrolmentsForOccurrence(ctx context.Context, id int64) ([]vettrak.Enrolment, error) {
	out, err := h.Source.EnrolmentsForOccurrence(ctx, id)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.prepend {
		return append(slices.Clone(h.extraEnrol[id]), out...), err
	}
	return append(out, h.extraEnrol[id]...), err
}

func (h *hostileSource) ClientDetails(ctx context.Context, code string) (*vettrak.Person, error) {
	h.mu.Lock()
	c, ok := h.clients[code]
	h.mu.Unlock()
	if ok {
		return &c, nil
	}
	return h.Source.ClientDetails(ctx, code)
}

func (h *hostileSource) UnitsForEnrolment(ctx context.Context, id int64) ([]vettrak.EnrolledUnit, error) {
	h.mu.Lock()
	extra := false
	for _, es := range h.extraEnrol {
		for _, e := range es {
			extra = extra || e.ID == id
		}
	}
	h.mu.Unlock()
	if extra {
		return nil, nil
	}
	return h.Source.UnitsForEnrolment(ctx, id)
}

func (r *rig) hostileSyncer(t *testing.T, h *hostileSource) *vtsync.Syncer {
	t.Helper()
	s, err := vtsync.New(h, r.lms, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }))
	require.NoError(t, err)
	return s
}

// Issue 18 item 5: client codes that differ only in bytes that are not
// UTF-8 ("%\xae\xae\xae" and "%\xa8\xa8\xa8") never share a user, and a
// code the store cannot hold as a key fails its own enrolment, not the
// run: everyone else is placed.
func TestBadClientCodesFailOneItem(t *testing.T) {
	cases := []struct {
		name  string
		codes []string
	}{
		{"invalid utf-8 pair", []string{"%\xae\xae\xae", "%\xa8\xa8\xa8"}},
		{"nul byte", []string{"10\x0099"}},
		{"overlong", []string{strings.Repeat("9", 2000)}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
			h := newHostile(r.api)
			for i, code := range tt.codes {
				h.addLearner(vettraktest.WalkthroughTerm1, int64(9001+i), code, "Bad", fmt.Sprintf("Code%d", i))
			}
			rep, err := r.hostileSyncer(t, h).Run(context.Background())
			require.NoError(t, err, "one bad code never stops the run")
			for i := range tt.codes {
				assert.True(t, hasFailure(rep, fmt.Sprintf("enrolment:%d", 9001+i)), "the enrolment is named: %+v", rep.Failures)
			}
			st := r.lms.Dump()
			for _, given := range []string{"John", "Julie"} {
				userByGiven(t, st, given)
			}
			for _, u := range st.Users {
				assert.NotEqual(t, "Bad", u.GivenName, "a learner whose code cannot be stored is not half-placed")
			}
		})
	}
}

// Issue 18, smaller: an occurrence the search returns twice with different
// content is diagnosed like a duplicate enrolment, not resolved silently
// by reading order.
func TestDuplicateOccurrenceIsDiagnosed(t *testing.T) {
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	h := newHostile(r.api)
	occ, err := r.api.OccurrenceDetails(context.Background(), vettraktest.WalkthroughTerm1)
	require.NoError(t, err)
	other := *occ
	other.Description = "Term 1 (renamed in a second copy)"
	h.extraOccs = []vettrak.Occurrence{other}

	plan, err := r.hostileSyncer(t, h).Plan(context.Background())
	require.NoError(t, err)
	found := false
	for _, d := range plan.Diagnostics {
		if d.Code == mapping.CodeDuplicateRecord && d.Record.Kind == mapping.RecordOccurrence {
			found = true
		}
	}
	assert.True(t, found, "diagnostics: %+v", plan.Diagnostics)

	// The same copy twice is no conflict.
	h.extraOccs = []vettrak.Occurrence{*occ}
	plan, err = r.hostileSyncer(t, h).Plan(context.Background())
	require.NoError(t, err)
	for _, d := range plan.Diagnostics {
		assert.NotEqual(t, mapping.CodeDuplicateRecord, d.Code, "%+v", d)
	}
}
