// Package lmstest is the conformance suite every lms.LMS implementation
// must pass.
//
// Run it from a test in the implementation's package:
//
//	func TestConformance(t *testing.T) {
//		lmstest.Run(t, func(t *testing.T) lmstest.Harness {
//			return lmstest.Harness{LMS: newMyLMS(t)}
//		})
//	}
//
// The suite checks each method against the contract written on lms.Reader
// and lms.Writer: create and read round trips of every kind of object, SIS
// IDs holding '/', '.', '%', spaces and non-ASCII text, SIS ID uniqueness
// per kind (lms.ErrConflict), unknown objects (lms.ErrNotFound), repeatable
// enrol, add-member and remove calls, unenrolment to each non-active
// status, ReadState over several courses, ReadUsers with unknown IDs, and
// the shape of ReadEvidence.
//
// It is written to run against a remote LMS as well as an in-memory one:
// it never parses or invents LMS-side IDs (it only checks that they stay
// the same), every SIS ID and login it makes starts with Harness.Prefix so
// runs on a shared test instance do not collide, and it compares times
// with time.Time.Equal at whole seconds. Subtests run one after another,
// never in parallel, so a remote LMS sees one request at a time.
package lmstest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
)

// Harness is one implementation under test plus the hooks the suite needs
// to set up what only the LMS itself (or a person using it) can make.
type Harness struct {
	// LMS is the implementation under test. Required.
	LMS lms.LMS

	// Prefix starts every SIS ID, course code and login the suite makes.
	// An in-memory LMS made fresh per call can leave it empty; a harness
	// on a shared remote LMS should make it unique per call (for example
	// "vtsync-test-" plus a timestamp and a counter).
	Prefix string

	// SeedCourse makes a course as a person would, outside the SDK; its
	// SIS ID may be empty. It lets the suite check that UpdateCourse adopts
	// a course by its ID. Nil skips those subtests.
	SeedCourse func(ctx context.Context, c lms.Course) (lms.Course, error)

	// SeedEvidence adds assessments, submissions, progress and activity
	// to the existing course ev.CourseSISID, as learners and teachers
	// would, and returns the course's evidence as stored. Submissions name
	// assessments by the IDs in ev.Assessments; the hook may give the
	// assessments its own IDs, and then must make the submissions follow.
	// Nil skips those subtests.
	SeedEvidence func(ctx context.Context, ev lms.Evidence) (*lms.Evidence, error)

	// Skip names subtests to skip, with the reason: "Group" or
	// "Group/Test", as in the names Run gives them (e.g.
	// "Enrolments/Reactivate"). Use it for a documented limit of the LMS,
	// never to hide a bug.
	Skip map[string]string
}

// need says which optional hook a test uses.
type need int

const (
	needNothing need = iota
	needSeedCourse
	needSeedEvidence
)

type test struct {
	name  string
	needs need
	run   func(s *suite)
}

type group struct {
	name  string
	tests []test
}

func groups() []group {
	return []group{
		{"Courses", courseTests()},
		{"Sections", sectionTests()},
		{"Groups", groupTests()},
		{"Users", userTests()},
		{"SISIDs", sisIDTests()},
		{"Enrolments", enrolmentTests()},
		{"Memberships", membershipTests()},
		{"ReadState", readStateTests()},
		{"Evidence", evidenceTests()},
		{"Context", contextTests()},
		{"Bulk", bulkTests()},
	}
}

// Run runs the conformance suite. newHarness is called once per subtest,
// so each subtest starts from an LMS of its own (or, on a shared remote
// LMS, from a prefix of its own); use t.Cleanup in it to tidy up.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Helper()
	for _, g := range groups() {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					h := newHarness(t)
					require.NotNil(t, h.LMS, "Harness.LMS is required")
					for _, name := range []string{g.name, g.name + "/" + tc.name} {
						if why, ok := h.Skip[name]; ok {
							t.Skipf("skipped by the harness: %s", why)
						}
					}
					switch {
					case tc.needs == needSeedCourse && h.SeedCourse == nil:
						t.Skip("Harness.SeedCourse is nil")
					case tc.needs == needSeedEvidence && h.SeedEvidence == nil:
						t.Skip("Harness.SeedEvidence is nil")
					}
					tc.run(&suite{t: t, h: h, l: h.LMS, ctx: t.Context()})
				})
			}
		})
	}
}

// suite is the state of one subtest.
type suite struct {
	t   *testing.T
	h   Harness
	l   lms.LMS
	ctx context.Context
}

// id makes a SIS ID (or code) unique to this harness.
func (s *suite) id(name string) string { return s.h.Prefix + name }

// login makes a login that any LMS accepts, whatever the prefix and name
// hold, unique per prefix and name.
func (s *suite) login(name string) string {
	sum := sha256.Sum256([]byte(s.h.Prefix + "\x00" + name))
	return "vtsync-" + hex.EncodeToString(sum[:8]) + "@example.com"
}
