package mapping

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
)

func genConfig(w Workflow) Config {
	c := DefaultConfig(w)
	c.CreateMissingCourses = true
	return c
}

// existingFor gives the Occurrence-groups workflow LMS courses to match
// (every other unit has one; the rest are created).
func existingFor(p genParams) []lms.Course {
	var out []lms.Course
	for i := 0; i < p.Units; i += 2 {
		out = append(out, lms.Course{ID: genUnitCode(i), SISID: "lms-" + genUnitCode(i), Code: genUnitCode(i), Name: "LMS " + genUnitCode(i)})
	}
	return out
}

// Every workflow on generated data: the state is internally consistent.
func TestStructureGenerated(t *testing.T) {
	learners := 3000
	if testing.Short() {
		learners = 400
	}
	p := defaultGen(1, learners)
	snap := genSnapshot(p)
	tests := []struct {
		w       Workflow
		courses int
	}{
		{WorkflowUnit, -1}, {WorkflowSubject, -1}, {WorkflowOccurrenceGroups, -1},
		{WorkflowModule, -2}, {WorkflowCourse, (learners + p.LearnersPerOcc - 1) / p.LearnersPerOcc},
	}
	programmes := map[int64]bool{}
	for _, o := range snap.Occurrences {
		programmes[o.ProgrammeID] = true
	}
	for _, tt := range tests {
		t.Run(string(tt.w), func(t *testing.T) {
			d, err := Structure(genConfig(tt.w), snap, existingFor(p))
			require.NoError(t, err)
			units := map[string]bool{}
			for _, o := range snap.Occurrences {
				for _, u := range o.Units {
					units[u.Code] = true
				}
			}
			switch tt.courses {
			case -1: // a course per unit
				tt.courses = len(units)
			case -2: // a course per programme that runs
				tt.courses = len(programmes)
			}
			assert.Len(t, d.State.Courses, tt.courses)
			checkConsistent(t, d)
			students := 0
			for _, e := range d.State.Enrolments {
				if e.Role == lms.RoleStudent {
					students++
				}
			}
			assert.Positive(t, students)
			for _, dg := range d.Diagnostics {
				if dg.Severity == SeverityError {
					t.Errorf("unexpected error diagnostic %s", dg)
				}
			}
		})
	}
}

// checkConsistent: every reference in the state resolves, and every
// learner has provenance.
func checkConsistent(t *testing.T, d *Desired) {
	t.Helper()
	courses, sections, groups, users := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, c := range d.State.Courses {
		require.NoError(t, CheckSISID(c.SISID))
		courses[c.SISID] = true
	}
	assert.Len(t, d.CourseSISIDs, len(courses))
	for _, s := range d.State.Sections {
		assert.True(t, courses[s.CourseSISID], s.SISID)
		sections[s.SISID] = true
	}
	for _, g := range d.State.Groups {
		assert.True(t, courses[g.CourseSISID], g.SISID)
		groups[g.SISID] = true
	}
	logins := map[string]bool{}
	for _, u := range d.State.Users {
		require.NoError(t, CheckSISID(u.SISID))
		users[u.SISID] = true
		if u.Login != "" {
			assert.False(t, logins[u.Login], "login %q twice", u.Login)
			logins[u.Login] = true
		}
	}
	for _, e := range d.State.Enrolments {
		assert.True(t, courses[e.CourseSISID], e.Key())
		assert.True(t, users[e.UserSISID], e.Key())
		assert.True(t, e.SectionSISID == "" || sections[e.SectionSISID], e.Key())
		if e.Role == lms.RoleStudent {
			assert.NotEmpty(t, d.Sources(e.CourseSISID, e.UserSISID), e.Key())
		}
	}
	for _, m := range d.State.Memberships {
		assert.True(t, groups[m.GroupSISID], m.Key())
		assert.True(t, users[m.UserSISID], m.Key())
	}
}

// The output is the same for the same records in any order, with repeats.
func TestStructureOrderIndependent(t *testing.T) {
	p := defaultGen(2, 300)
	snaps := []Snapshot{walkthrough(), genSnapshot(p)}
	for _, w := range Workflows() {
		for i, snap := range snaps {
			want, err := Structure(genConfig(w), snap, existingFor(p))
			require.NoError(t, err)
			for seed := uint64(1); seed <= 4; seed++ {
				got, err := Structure(genConfig(w), shuffled(snap, seed), existingFor(p))
				require.NoError(t, err)
				require.Equal(t, want, got, "workflow %s, snapshot %d, seed %d", w, i, seed)
			}
		}
	}
}

func TestResultsOrderIndependent(t *testing.T) {
	p := defaultGen(3, 300)
	snap := genSnapshot(p)
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, syd)
	for _, w := range []Workflow{WorkflowUnit, WorkflowModule, WorkflowOccurrenceGroups} {
		cfg := genConfig(w)
		d, err := Structure(cfg, snap, existingFor(p))
		require.NoError(t, err)
		ev := genEvidence(5, d, now)
		rc := DefaultResultConfig(w, syd)
		in := ResultInput{Snapshot: snap, Desired: d, Evidence: ev, ResultTypes: resultTypes(), Now: now}
		want := Results(cfg, rc, in)
		require.NotEmpty(t, want.Writes, w)
		require.NotEmpty(t, want.Comments, w)
		for seed := uint64(1); seed <= 3; seed++ {
			in2 := in
			in2.Snapshot = shuffled(snap, seed)
			in2.Evidence = shuffledEvidence(ev, seed)
			d2, err := Structure(cfg, in2.Snapshot, existingFor(p))
			require.NoError(t, err)
			in2.Desired = d2
			require.Equal(t, want, Results(cfg, rc, in2), "workflow %s seed %d", w, seed)
		}
	}
}
