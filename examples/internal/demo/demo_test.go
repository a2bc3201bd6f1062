package demo

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
)

func TestDescribeAndWhy(t *testing.T) {
	plan := &vtsync.Plan{Ops: []vtsync.Op{
		{Kind: vtsync.OpCreateCourse, Reason: `course "vt-unit-X1" does not exist`, Course: &lms.Course{SISID: "vt-unit-X1", Code: "X1", Name: "Unit X"}},
		{Kind: vtsync.OpCreateSection, Reason: `section "s1" does not exist in course "vt-unit-X1"`, Section: &lms.Section{SISID: "s1", CourseSISID: "vt-unit-X1", Name: "Jo Bloggs"}},
		{Kind: vtsync.OpCreateUser, Reason: `user "u1" (Ann Lee) does not exist`, User: &lms.User{SISID: "u1", GivenName: "Ann", FamilyName: "Lee", Login: "ann@x"}},
		{Kind: vtsync.OpEnrol, Reason: `student "u1" in "s1": not enrolled`, Enrolment: &lms.Enrolment{UserSISID: "u1", CourseSISID: "vt-unit-X1", SectionSISID: "s1", Role: lms.RoleStudent}},
		{Kind: vtsync.OpAddMember, Reason: `"u2" is not in group "g9"`, Membership: &lms.Membership{UserSISID: "u2", GroupSISID: "g9"}},
		{Kind: vtsync.OpWriteResult, Reason: "all passed", Result: &mapping.ResultWrite{EnrolmentID: 7, UnitCode: "X1", ResultName: "Competent"}},
	}}
	names := objectNames(plan)
	want := []struct{ object, why string }{
		{`course X1 "Unit X"`, "does not exist yet"},
		{`section "Jo Bloggs" of X1`, "does not exist yet"},
		{"user Ann Lee (ann@x)", "does not exist yet"},
		{`Ann Lee as student in section "Jo Bloggs" of X1`, "not enrolled"},
		{"u2 in g9", "not in the group"}, // objects the plan does not name keep their SIS IDs
		{"enrolment 7, unit X1: Competent", "all passed"},
	}
	for i, op := range plan.Ops {
		assert.Equal(t, want[i].object, Describe(op, names), "op %d", i)
		assert.Equal(t, want[i].why, why(op), "op %d", i)
	}
}

func TestPrinterRemembersNamesAcrossPlans(t *testing.T) {
	var out bytes.Buffer
	p := NewPrinter(&out)
	p.Plan(&vtsync.Plan{Ops: []vtsync.Op{{Kind: vtsync.OpCreateUser, User: &lms.User{SISID: "u1", GivenName: "Ann", FamilyName: "Lee"}}}})
	p.Plan(&vtsync.Plan{Ops: []vtsync.Op{{Kind: vtsync.OpEnrol, Enrolment: &lms.Enrolment{UserSISID: "u1", CourseSISID: "c", Role: lms.RoleStudent}}}})
	assert.Contains(t, out.String(), "Ann Lee as student in c")
	p.Plan(&vtsync.Plan{})
	assert.Contains(t, out.String(), "Nothing to do")
}

func TestConfigPatterns(t *testing.T) {
	for _, tc := range []struct {
		w    mapping.Workflow
		want []string
	}{
		{mapping.WorkflowUnit, []string{"vt-unit-<unit code>", "<course>-trn-<staff code>"}},
		{mapping.WorkflowModule, []string{"vt-prog-<programme ID>", "<course>-sec-<occurrence ID>"}},
		{mapping.WorkflowSubject, []string{"vt-subj-<subject code>"}},
		{mapping.WorkflowCourse, []string{"vt-occ-<occurrence ID>"}},
		{mapping.WorkflowOccurrenceGroups, []string{"<course>-grp-<occurrence ID>", "create courses  no"}},
	} {
		var out bytes.Buffer
		NewPrinter(&out).Config(vtsync.DefaultConfig(tc.w))
		for _, w := range tc.want {
			assert.Contains(t, out.String(), w, tc.w)
		}
		assert.Contains(t, out.String(), "vt-u-<client code>")
	}
}

func TestReportLines(t *testing.T) {
	var out bytes.Buffer
	p := NewPrinter(&out)
	p.Report(&vtsync.Report{Created: map[vtsync.ObjectKind]int{"course": 1, "user": 2}, Removed: map[vtsync.ObjectKind]int{"enrolment": 1},
		Failures: []vtsync.Failure{{Key: "create_course:x", Error: "boom"}}})
	got := out.String()
	assert.Contains(t, got, "LMS: created 1 course, 2 users; removed 1 enrolment.")
	assert.Contains(t, got, "Failures: 1.")
	assert.Contains(t, got, "failed create_course:x: boom")

	out.Reset()
	p.Report(&vtsync.Report{ResultsWritten: 2})
	assert.NotContains(t, out.String(), "LMS:", "a results-only run says nothing about the LMS")
	assert.Contains(t, out.String(), "VETtrak: 2 results written")
}

func TestCheckDropsTimings(t *testing.T) {
	rep := &vtsync.CheckReport{VETtrakOK: true, LMSOK: false,
		VETtrak: "Connected to VETtrak at http://h/VT_API.asmx as \"api\" (staff user, client code X) in 3ms.\nDates are read in the UTC time zone.\n  ok      GetResultTypes\nNot checked: UpdateResult.",
		LMS:     "LMS: lms: unauthorized"}
	var out bytes.Buffer
	NewPrinter(&out).Check(rep)
	got := out.String()
	assert.Contains(t, got, `ok   Connected to VETtrak at http://h/VT_API.asmx as "api" (staff user, client code X).`)
	assert.NotContains(t, got, "3ms")
	assert.NotContains(t, got, "GetResultTypes")
	assert.Contains(t, got, "FAIL LMS: lms: unauthorized")
}

func TestDateIsSydney(t *testing.T) {
	midnight := time.Date(2026, 3, 14, 0, 0, 0, 0, Sydney())
	assert.Equal(t, "14 Mar 2026", Date(midnight.UTC()), "a Sydney midnight read back in UTC is still that day")
	assert.Empty(t, Date(time.Time{}))
}

func TestBuilderKeepsFirstError(t *testing.T) {
	b := NewBuilder()
	b.Enrol(999, "nobody")
	b.Person("p1", "Zoë", "Ñandú", "")
	_, err := b.Dataset()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "enrol nobody in occurrence 999")

	b = NewBuilder()
	prog := b.Programme("P", "Programme")
	b.Unit("U1", "Unit one", false)
	b.Person("p1", "Zoë", "Ñandú", "")
	occ := b.Occurrence(prog, "O1", "Class", Day(time.March, 1), Day(time.March, 2), "U1")
	b.Staff(occ, "p1", "Trainer")
	ids := b.Enrol(occ, "p1")
	d, err := b.Dataset()
	require.NoError(t, err)
	assert.Len(t, ids, 1)
	c, ok := d.Client("p1")
	require.True(t, ok)
	assert.Equal(t, "zo.and@example.edu.au", c.Email, "made-up emails keep ASCII letters only")
}

func TestPrinterKeepsFirstWriteError(t *testing.T) {
	p := NewPrinter(failingWriter{})
	p.Title("x")
	p.Table([]string{"A"}, [][]string{{"1"}})
	p.Line("y")
	assert.Error(t, p.Err())
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestNoArgs(t *testing.T) {
	assert.NoError(t, NoArgs("x", nil))
	err := NoArgs("x", []string{"a"})
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "x takes no arguments"))
}
