package sync_test

// The standing adversarial suite (issue 18): every category of the
// reliability issue, with more cases than the ones it names, on the fakes
// (vettraktest behind a rewriting proxy where a real server misbehaves in
// ways the fake does not, and memlms). It runs in `go test ./...`, on
// small data, so it stays fast; nothing in it is timed. Each test states
// the invariant it holds, whatever the case:
//
//   - failing reads (faults on every read operation): nothing in the LMS
//     is removed that VETtrak did not delete, the failure is reported,
//     and once the reads work the end state equals an undisturbed run's;
//   - failing LMS calls (every method failing once): the same;
//   - malformed XML (truncated, not XML, wrong envelope, forbidden
//     characters): the same;
//   - crash points (a stop after every VETtrak write of a results pass):
//     no result is written twice, none is taken for hand-entered, and the
//     end state equals an uninterrupted run's;
//   - concurrent instances (several Syncers on one store at once): every
//     result is written once and the end state equals one instance's;
//   - hostile names (control and format characters, emoji sequences,
//     bidi overrides, markup, huge or empty names): the run goes on, the
//     LMS gets no control character, and a second run changes nothing;
//   - duplicate IDs (occurrences, enrolments, clients read twice with
//     different content): diagnosed, and the plan does not depend on
//     reading order;
//   - bad keys (codes a store or an LMS cannot hold, colliding codes):
//     the record fails alone, the rest of the run goes on.

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	gosync "sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/memlms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
	"github.com/vtsync/vtsync/vettrak"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

// changeWorld applies the same VETtrak changes to a rig: a deletion, a
// rename and a withdrawal, so that a disturbed run has removals, updates
// and tombstones to get right.
func changeWorld(t *testing.T, r *rig) {
	t.Helper()
	d := r.vt.Data()
	require.NoError(t, d.DeleteEnrolment(3002)) // Julie
	require.NoError(t, d.RenameClient("10001", "Johnny", "Smith"))
	r.tick(time.Hour)
}

// referenceState is the LMS an undisturbed rig reaches after changeWorld.
func referenceState(t *testing.T) lms.State {
	t.Helper()
	r := groupsRig(t)
	r.tick(time.Hour)
	changeWorld(t, r)
	r.run(t)
	return memlms.StripIDs(r.lms.Dump())
}

// converge runs until a plan is empty (at most four runs) and returns the
// LMS state.
func converge(t *testing.T, r *rig) lms.State {
	t.Helper()
	for range 4 {
		r.tick(48 * time.Hour) // past any retry backoff
		plan, err := r.syncer(t).Plan(context.Background())
		require.NoError(t, err)
		if plan.Empty() {
			break
		}
		_, err = r.syncer(t).Apply(context.Background(), plan)
		require.NoError(t, err)
	}
	return memlms.StripIDs(r.lms.Dump())
}

// onlyDeletedRemoved checks that a disturbed run removed nothing but what
// VETtrak deleted (Julie, vt-u-10002).
func onlyDeletedRemoved(t *testing.T, st lms.State, msg string) {
	t.Helper()
	for _, e := range st.Enrolments {
		if e.UserSISID != "vt-u-10002" && e.Role == lms.RoleStudent {
			assert.Equal(t, lms.StatusActive, e.Status, "%s: %s lost its enrolment", msg, e.UserSISID)
		}
	}
}

// Failing reads: every read the Syncer makes, failing in every way the
// fake can fail.
func TestAdversarialFailingReads(t *testing.T) {
	want := referenceState(t)
	ops := []string{"SearchWebOccurrences", "GetEnrolmentsForOccurrence", "GetUnitsForEnrolment",
		"GetAccessibleClients", "GetClientDetails", "GetDeletedRecordsSince", "GetResultTypes"}
	faults := []vettraktest.Fault{{Kind: vettraktest.FaultSOAP}, {Kind: vettraktest.FaultHTTP500},
		{Kind: vettraktest.FaultMalformed}, {Kind: vettraktest.FaultDrop}}
	for _, op := range ops {
		for _, f := range faults {
			t.Run(op+"/"+f.Kind.String(), func(t *testing.T) {
				r := groupsRig(t)
				r.tick(time.Hour)
				r.vt.ResetCalls()
				changeWorld(t, r)
				r.vt.InjectFault(op, f)
				for run := range 2 {
					rep, err := r.syncer(t).Run(context.Background())
					if err == nil {
						assert.NotNil(t, rep)
					}
					onlyDeletedRemoved(t, r.lms.Dump(), fmt.Sprintf("run %d", run))
					r.tick(time.Hour)
				}
				r.vt.ClearFaults()
				assert.Equal(t, want, converge(t, r), "end state once the reads work")
			})
		}
	}
}

// Failing LMS calls: every method of the LMS failing once, in the run
// that has removals, renames and (from a read of the first run) new
// placements to make. Nothing but the deletion is removed, and the next
// runs reach the undisturbed end state.
func TestAdversarialFailingLMSCalls(t *testing.T) {
	want := referenceState(t)
	for _, m := range memlms.Methods() {
		t.Run(string(m), func(t *testing.T) {
			r := groupsRig(t)
			r.tick(time.Hour)
			changeWorld(t, r)
			r.lms.FailNext(m, 1, fmt.Errorf("%s: 503 Service Unavailable", m))
			_, _ = r.syncer(t).Run(context.Background()) // an error is fine (a read failed)
			onlyDeletedRemoved(t, r.lms.Dump(), "the failing run")
			assert.Equal(t, want, converge(t, r), "end state after the failure")
		})
	}
}

// malformed answers a real server or gateway may give, which the fake's
// fault kinds do not cover.
var malformed = map[string]func(body []byte) []byte{
	"truncated":       func(b []byte) []byte { return b[:len(b)/2] },
	"html error page": func([]byte) []byte { return []byte("<html><body><h1>Service Unavailable</h1></body></html>") },
	"empty":           func([]byte) []byte { return nil },
	"not xml":         func([]byte) []byte { return []byte("{\"error\":\"maintenance\"}") },
	"soap 1.2 envelope": func(b []byte) []byte {
		return bytes.ReplaceAll(b, []byte("schemas.xmlsoap.org/soap/envelope/"), []byte("www.w3.org/2003/05/soap-envelope"))
	},
	"unknown charset": func(b []byte) []byte {
		return bytes.Replace(b, []byte(`encoding="utf-8"`), []byte(`encoding="koi8-r"`), 1)
	},
	"garbage after":   func(b []byte) []byte { return append(b, []byte("<extra>")...) },
	"mismatched tags": func(b []byte) []byte { return bytes.Replace(b, []byte("</soap:Body>"), []byte("</soap:Bodyx>"), 1) },
	"forbidden char refs": func(b []byte) []byte {
		return bytes.ReplaceAll(b, []byte("<GivenName>"), []byte("<GivenName>&#x1;&#xB;"))
	},
	"raw control bytes": func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("<Surname>"), []byte("<Surname>\x02\x1f")) },
	"invalid utf-8 in name": func(b []byte) []byte {
		return bytes.ReplaceAll(b, []byte("<GivenName>"), []byte("<GivenName>\xff\xfe"))
	},
}

// Malformed XML on the reads that decide removals and results.
func TestAdversarialMalformedXML(t *testing.T) {
	want := referenceState(t)
	for _, op := range []string{"GetEnrolmentsForOccurrence", "GetDeletedRecordsSince", "GetUnitsForEnrolment", "GetOccurrenceExtendedDetails", "SearchWebOccurrences"} {
		for name, rewrite := range malformed {
			t.Run(op+"/"+name, func(t *testing.T) {
				r := groupsRig(t)
				r.tick(time.Hour)
				changeWorld(t, r)
				var broken atomic.Bool
				broken.Store(true)
				api := r.proxiedAPI(t, func(got string, _ *http.Response, body []byte) []byte {
					if got == op && broken.Load() {
						return rewrite(body)
					}
					return body
				})
				s, err := vtsync.New(api, r.lms, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }))
				require.NoError(t, err)
				for run := range 2 {
					_, _ = s.Run(context.Background()) // an error is fine; a panic or a wrong removal is not
					onlyDeletedRemoved(t, r.lms.Dump(), fmt.Sprintf("run %d", run))
					r.tick(time.Hour)
				}
				broken.Store(false)
				assert.Equal(t, want, converge(t, r), "end state once the answers are good")
			})
		}
	}
}

// stopAfterWrites is a Source that stops the run (cancels its context)
// right after its k-th VETtrak write returns, whether or not the write
// succeeded, as a process killed at that moment would: the write landed,
// nothing after it happened.
type stopAfterWrites struct {
	vtsync.Source
	k      int64
	n      atomic.Int64
	cancel context.CancelFunc
}

func (s *stopAfterWrites) wrote(err error) error {
	if s.n.Add(1) == s.k {
		s.cancel()
		return context.Canceled
	}
	return err
}

func (s *stopAfterWrites) UpdateResult(ctx context.Context, r vettrak.ResultUpdate) error {
	return s.wrote(s.Source.UpdateResult(ctx, r))
}

func (s *stopAfterWrites) UpdateResultComment(ctx context.Context, id int64, unit, c string) error {
	return s.wrote(s.Source.UpdateResultComment(ctx, id, unit, c))
}

func (s *stopAfterWrites) SetEnrolmentUploaded(ctx context.Context, id int64, v bool) error {
	return s.wrote(s.Source.SetEnrolmentUploaded(ctx, id, v))
}

func (s *stopAfterWrites) SetOccurrenceUploaded(ctx context.Context, id int64, v bool) error {
	return s.wrote(s.Source.SetOccurrenceUploaded(ctx, id, v))
}

// progressRig is a synced rig whose Term 1 learners have started (John) and
// completed (Julie) the course, with every VETtrak write on: results,
// commencement comments and LMS flags.
func progressRig(t *testing.T) *rig {
	t.Helper()
	r := groupsRig(t)
	r.cfg.MarkTransferred = true
	r.cfg.UnitsMaxAge = 0
	st := r.lms.Dump()
	course := st.Courses[0].SISID
	first := time.Date(2026, 2, 3, 10, 0, 0, 0, time.UTC)
	done := time.Date(2026, 3, 20, 14, 0, 0, 0, time.UTC)
	for _, given := range []string{"John", "Julie"} {
		require.NoError(t, r.lms.SetActivity(course, lms.Activity{UserSISID: userByGiven(t, st, given), FirstActivity: &first, LastActivity: &done}))
	}
	require.NoError(t, r.lms.SetProgress(course, lms.CourseProgress{UserSISID: userByGiven(t, st, "Julie"), RequirementsTotal: 1, RequirementsCompleted: 1, CompletedAt: &done}))
	r.tick(time.Hour)
	return r
}

// Crash points: stop after each VETtrak write of a run, start again.
func TestAdversarialCrashAfterEveryVETtrakWrite(t *testing.T) {
	ref := progressRig(t)
	ref.vt.ResetCalls()
	ref.run(t)
	total := int64(vettrakWrites(ref))
	require.Positive(t, total)
	wantResults := resultWrites(ref)
	wantJohn, wantJulie := ref.vt.Data().Results(3001), ref.vt.Data().Results(3002)

	for k := int64(1); k <= total; k++ {
		t.Run(fmt.Sprintf("after write %d of %d", k, total), func(t *testing.T) {
			r := progressRig(t)
			r.vt.ResetCalls()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stop := &stopAfterWrites{Source: r.api, k: k, cancel: cancel}
			s, err := vtsync.New(stop, r.lms, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }), vtsync.WithConcurrency(1))
			require.NoError(t, err)
			_, err = s.Run(ctx)
			require.ErrorIs(t, err, context.Canceled)

			r.tick(time.Hour)
			rep, err := r.syncer(t).Run(context.Background())
			require.NoError(t, err)
			assert.Empty(t, rep.Conflicts, "no landed write is taken for hand-entered")
			assert.Empty(t, rep.Failures)
			converge(t, r)
			assert.Equal(t, wantResults, resultWrites(r), "no result written twice")
			assert.Equal(t, wantJohn, r.vt.Data().Results(3001))
			assert.Equal(t, wantJulie, r.vt.Data().Results(3002))
		})
	}
}

// Concurrent instances: several Syncers of one provider on one store run
// at once, structure and results together, again and again.
func TestAdversarialConcurrentInstances(t *testing.T) {
	ref := progressRig(t)
	ref.run(t)
	want := memlms.StripIDs(ref.lms.Dump())
	wantResults := resultWrites(ref)

	r := progressRig(t)
	var wg gosync.WaitGroup
	for round := range 3 {
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s, err := vtsync.New(r.api, r.lms, r.cfg, vtsync.WithStore(r.st), vtsync.WithClock(func() time.Time { return r.now }))
				if !assert.NoError(t, err) {
					return
				}
				if _, err := s.Run(context.Background()); err != nil {
					assert.ErrorIs(t, err, vtsync.ErrLeased, "round %d", round)
				}
			}()
		}
		wg.Wait()
	}
	assert.Equal(t, want, converge(t, r))
	assert.Equal(t, wantResults, resultWrites(r), "every result written once")
	assert.Empty(t, r.vt.Data().ResultHistory(3002, vettraktest.WalkthroughUnit), "no doubled history")
}

// hostileNames are names a VETtrak user can type, or paste.
var hostileNames = []struct{ name, given, family string }{
	{"control characters", "Ju\x01lie", "Tr\x7fan"},
	{"tab and newline", "Julie\tAnne", "Tran\nSmith"},
	{"zero-width space", "Ju\u200blie", "Tran"},
	{"bidi override", "\u202eeiluJ", "Tran"},
	{"emoji zwj sequence", "Julie \U0001F469\u200d\U0001F52C", "Tran"},
	{"subdivision flag", "Julie", "Tran \U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"},
	{"combining marks", "Zoe\u0308", "Tran\u0301"},
	{"markup", "<script>alert(1)</script>", "O'Brien & Sons"},
	{"sql", "Robert'); DROP TABLE students;--", "Tran"},
	{"only spaces", "   ", "Tran"},
	{"single name (family only)", "", "Tran"},
	{"very long", strings.Repeat("Ju", 3000), strings.Repeat("Tr", 3000)},
	{"replacement character", "Ju\ufffdlie", "Tran"},
	{"surrogate escape text", "Ju\\ud800lie", "Tran"},
	{"right-to-left script", "ژولی", "تران"},
}

// Hostile names through the fake VETtrak (and so through its XML).
func TestAdversarialHostileNames(t *testing.T) {
	for _, tt := range hostileNames {
		t.Run(tt.name, func(t *testing.T) {
			r := newClockRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
			require.NoError(t, r.vt.Data().RenameClient("10002", tt.given, tt.family))
			rep, err := r.syncer(t).Run(context.Background())
			require.NoError(t, err)
			assert.Empty(t, rep.Failures)
			st := r.lms.Dump()
			userByGiven(t, st, "John") // everyone else is placed
			for _, u := range st.Users {
				for _, s := range []string{u.GivenName, u.FamilyName} {
					assert.False(t, strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\u202e' || r == '\u200b' }),
						"no control or invisible character reaches the LMS: %q", s)
					assert.Equal(t, strings.TrimSpace(s), s)
				}
			}
			if strings.ContainsAny(tt.given+tt.family, "\u200d\U000E007F") {
				julie := userByFamily(t, st, "Tran")
				assert.Equal(t, strings.TrimSpace(tt.given+" "+tt.family), julie.GivenName+" "+julie.FamilyName, "an emoji sequence stays whole")
			}
			r.tick(time.Hour)
			plan, err := r.syncer(t).Plan(context.Background())
			require.NoError(t, err)
			assert.Empty(t, plan.Ops, "a hostile name settles: the second run changes nothing")
		})
	}
}

// Hostile names (and codes) through a custom Source, which no XML
// cleaned: invalid UTF-8, NUL bytes.
func TestAdversarialHostileNamesCustomSource(t *testing.T) {
	names := []struct{ given, family string }{
		{"Ju\xfflie", "Tran"}, {"Ju\x00lie", "Tr\x00an"}, {"\xc3", "\xe2\x82"}, {strings.Repeat("\xff", 100), "x"},
	}
	for i, n := range names {
		t.Run(fmt.Sprintf("%q", n.given), func(t *testing.T) {
			r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
			h := newHostile(r.api)
			h.addLearner(vettraktest.WalkthroughTerm1, 9100+int64(i), "H9100", n.given, n.family)
			rep, err := r.hostileSyncer(t, h).Run(context.Background())
			require.NoError(t, err)
			assert.Empty(t, rep.Failures)
			for _, u := range r.lms.Dump().Users {
				assert.True(t, strings.ToValidUTF8(u.GivenName, "") == u.GivenName && !strings.ContainsRune(u.GivenName, 0), "%q", u.GivenName)
			}
			r.tick(time.Hour)
			plan, err := r.hostileSyncer(t, h).Plan(context.Background())
			require.NoError(t, err)
			assert.Empty(t, plan.Ops)
		})
	}
}

// Duplicate IDs: records read twice with different content are diagnosed,
// and the plan is the same whichever copy was read first.
func TestAdversarialDuplicateIDs(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, r *rig, h *hostileSource, first bool)
		kind  mapping.RecordKind
	}{
		{"occurrence", func(t *testing.T, r *rig, h *hostileSource, first bool) {
			occ, err := r.api.OccurrenceDetails(context.Background(), vettraktest.WalkthroughTerm1)
			require.NoError(t, err)
			other := *occ
			other.Description = "Term 1, second copy"
			h.extraOccs = []vettrak.Occurrence{other}
			h.prepend = first
		}, mapping.RecordOccurrence},
		{"enrolment in two occurrences", func(t *testing.T, r *rig, h *hostileSource, first bool) {
			es, err := r.api.EnrolmentsForOccurrence(context.Background(), vettraktest.WalkthroughTerm1)
			require.NoError(t, err)
			e := es[0]
			e.OccurrenceID = vettraktest.WalkthroughTerm2
			e.Status = "Completed"
			e.StatusType = 1
			h.extraEnrol[vettraktest.WalkthroughTerm2] = []vettrak.Enrolment{e}
			h.prepend = first
		}, mapping.RecordEnrolment},
		{"enrolment twice in one occurrence", func(t *testing.T, r *rig, h *hostileSource, first bool) {
			es, err := r.api.EnrolmentsForOccurrence(context.Background(), vettraktest.WalkthroughTerm1)
			require.NoError(t, err)
			e := es[0]
			e.GivenName = "Other"
			h.extraEnrol[vettraktest.WalkthroughTerm1] = []vettrak.Enrolment{e}
			h.prepend = first
		}, mapping.RecordEnrolment},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			var plans []*vtsync.Plan
			for _, first := range []bool{false, true} {
				r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
				h := newHostile(r.api)
				tt.setup(t, r, h, first)
				plan, err := r.hostileSyncer(t, h).Plan(context.Background())
				require.NoError(t, err)
				assert.True(t, slices.ContainsFunc(plan.Diagnostics, func(d mapping.Diagnostic) bool {
					return d.Code == mapping.CodeDuplicateRecord && d.Record.Kind == tt.kind
				}), "diagnosed: %+v", plan.Diagnostics)
				plans = append(plans, plan)
			}
			assert.Equal(t, plans[0].Ops, plans[1].Ops, "the plan does not depend on which copy came first")
		})
	}
}

// Bad keys: codes no store or LMS can hold, codes that used to collide,
// unit codes too long for a store key: each fails its own record.
func TestAdversarialBadKeys(t *testing.T) {
	codes := []string{"%\xae\xae\xae", "%\xa8\xa8\xa8", "\xff", "A\x00B", strings.Repeat("7", 5000), "C\u202e1", " ", "x\u200b"}
	r := newRig(t, mapping.WorkflowUnit, vettraktest.SeedWalkthrough())
	h := newHostile(r.api)
	for i, c := range codes {
		h.addLearner(vettraktest.WalkthroughTerm1, int64(9200+i), c, "Bad", fmt.Sprint(i))
	}
	rep, err := r.hostileSyncer(t, h).Run(context.Background())
	require.NoError(t, err, "no code stops the run")
	st := r.lms.Dump()
	userByGiven(t, st, "John")
	userByGiven(t, st, "Julie")
	ids := map[string]bool{}
	for _, u := range st.Users {
		require.NoError(t, mapping.CheckSISID(u.SISID))
		assert.False(t, ids[u.SISID], "one SIS ID, one user")
		ids[u.SISID] = true
	}
	// Every bad code shows up: as a failure or a diagnostic naming it.
	for i, c := range codes {
		named := hasFailure(rep, fmt.Sprintf("enrolment:%d", 9200+i)) || slices.ContainsFunc(rep.Diagnostics, func(d mapping.Diagnostic) bool {
			return d.Record.ID == strings.TrimSpace(c) || d.Record.ID == fmt.Sprint(9200+i)
		})
		placed := false
		for _, u := range st.Users {
			placed = placed || u.FamilyName == fmt.Sprint(i)
		}
		assert.True(t, named || placed, "code %q is either placed or reported", c)
	}
	r.tick(time.Hour)
	_, err = r.hostileSyncer(t, h).Run(context.Background())
	require.NoError(t, err, "and again on the next run")
}

// vettrakWrites counts the VETtrak writes the fake answered.
func vettrakWrites(r *rig) int {
	n := 0
	for _, op := range []string{"UpdateResult", "UpdateResultIncludingLinked", "UpdateResultComment", "UpdateLMSEnrolmentStatus", "UpdateLMSOccurrenceStatus"} {
		n += r.vt.CallCount(op)
	}
	return n
}

func userByFamily(t *testing.T, st lms.State, prefix string) lms.User {
	t.Helper()
	for _, u := range st.Users {
		if strings.HasPrefix(u.FamilyName, prefix) {
			return u
		}
	}
	t.Fatalf("no user %s…", prefix)
	return lms.User{}
}
