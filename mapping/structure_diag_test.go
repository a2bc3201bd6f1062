package mapping

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak/record"
)

func unitPerOcc() Config {
	c := DefaultConfig(WorkflowUnit)
	c.Sections = SectionPerOccurrence
	return c
}

func statusOf(d *Desired, course, section, user string, role lms.Role) lms.Status {
	for _, e := range d.State.Enrolments {
		if e.CourseSISID == course && e.SectionSISID == section && e.UserSISID == user && e.Role == role {
			return e.Status
		}
	}
	return ""
}

func userOf(d *Desired, sis string) (lms.User, bool) {
	for _, u := range d.State.Users {
		if u.SISID == sis {
			return u, true
		}
	}
	return lms.User{}, false
}

// Each case changes the walkthrough, then checks the diagnostic it must
// raise and what it does to the state.
func TestStructureDiagnostics(t *testing.T) {
	const sec1, sec2 = istCourse + "-sec-1", istCourse + "-sec-2"
	tests := []struct {
		name     string
		cfg      func() Config
		snap     func(s *Snapshot)
		existing []lms.Course
		code     Code
		sev      Severity
		rec      Record
		check    func(t *testing.T, d *Desired)
	}{
		{
			name: "withdrawn enrolment becomes inactive",
			snap: func(s *Snapshot) { s.Enrolments[0].Status, s.Enrolments[0].StatusType = "Pre-Reporting Withdrawal", 9 },
			code: CodeWithdrawn, sev: SeverityInfo, rec: enrolmentRecord(101),
			check: func(t *testing.T, d *Desired) {
				assert.Equal(t, lms.StatusInactive, statusOf(d, istCourse, sec1, "vt-u-C1", lms.RoleStudent))
				assert.Equal(t, lms.StatusActive, statusOf(d, istCourse, sec1, "vt-u-C2", lms.RoleStudent))
				assert.Equal(t, lms.StatusInactive, d.Sources(istCourse, "vt-u-C1")[0].Status)
			},
		},
		{
			name: "withdrawal status is configurable",
			cfg: func() Config {
				c := unitPerOcc()
				c.WithdrawnStatus = lms.StatusDeleted
				c.Withdrawal = WithdrawalRule{StatusContains: []string{"discontinued"}}
				return c
			},
			snap: func(s *Snapshot) { s.Enrolments[0].Status = "Discontinued" },
			code: CodeWithdrawn, sev: SeverityInfo, rec: enrolmentRecord(101),
			check: func(t *testing.T, d *Desired) {
				assert.Equal(t, lms.StatusDeleted, statusOf(d, istCourse, sec1, "vt-u-C1", lms.RoleStudent))
			},
		},
		{
			name: "completed enrolment follows CompletedStatus",
			cfg: func() Config {
				c := unitPerOcc()
				c.CompletedStatus = lms.StatusCompleted
				return c
			},
			snap: func(s *Snapshot) { s.Enrolments[1].Status, s.Enrolments[1].StatusType = "Completed", 1 },
			code: CodeWithdrawn, sev: -1, // no withdrawal diagnostic
			check: func(t *testing.T, d *Desired) {
				assert.Equal(t, lms.StatusCompleted, statusOf(d, istCourse, sec1, "vt-u-C2", lms.RoleStudent))
			},
		},
		{
			name: "enrolment tombstone deletes",
			snap: func(s *Snapshot) { s.Deleted = []record.DeletedRecord{{Table: "ENROLMENT", ID: "102"}} },
			code: CodeDeleted, sev: SeverityInfo, rec: enrolmentRecord(102),
			check: func(t *testing.T, d *Desired) {
				assert.Equal(t, lms.StatusDeleted, statusOf(d, istCourse, sec1, "vt-u-C2", lms.RoleStudent))
			},
		},
		{
			name: "client tombstone deletes the client's enrolments",
			snap: func(s *Snapshot) { s.Deleted = []record.DeletedRecord{{Table: "client", ID: "C3"}} },
			code: CodeDeleted, sev: SeverityInfo, rec: enrolmentRecord(201),
			check: func(t *testing.T, d *Desired) {
				assert.Equal(t, lms.StatusDeleted, statusOf(d, istCourse, sec2, "vt-u-C3", lms.RoleStudent))
			},
		},
		{
			name: "tombstone for a record no longer read goes to the Syncer",
			snap: func(s *Snapshot) {
				s.Deleted = []record.DeletedRecord{{Table: "ENROLMENT", ID: "999"}, {Table: "ENROLMENT", ID: "x"}, {Table: "ENROUNIT", ID: "1"}}
			},
			code: CodeTombstoneUnresolved, sev: SeverityInfo, rec: enrolmentRecord(999),
			check: func(t *testing.T, d *Desired) {
				assert.Equal(t, []int64{999}, d.DeletedEnrolments)
				assert.True(t, hasDiag(d.Diagnostics, CodeMissingField, Record{RecordTombstone, "ENROLMENT:x"}))
			},
		},
		{
			name: "a learner missing from the read is not removed",
			snap: func(s *Snapshot) { s.Enrolments = s.Enrolments[:3] },
			code: CodeWithdrawn, sev: -1,
			check: func(t *testing.T, d *Desired) {
				for _, e := range d.State.Enrolments {
					assert.Equal(t, lms.StatusActive, e.Status, "absence never produces a non-active enrolment")
					assert.NotEqual(t, "vt-u-C4", e.UserSISID)
				}
			},
		},
		{
			name: "learner without email gets a client-code login",
			snap: func(s *Snapshot) { s.Clients[0].Email = "" },
			code: CodeNoEmail, sev: SeverityWarning, rec: clientRecord("C1"),
			check: func(t *testing.T, d *Desired) {
				u, ok := userOf(d, "vt-u-C1")
				require.True(t, ok)
				assert.Equal(t, "C1", u.Login)
				assert.Empty(t, u.Email)
			},
		},
		{
			name: "unusable email is left out",
			snap: func(s *Snapshot) { s.Clients[0].Email = "john at example" },
			code: CodeNoEmail, sev: SeverityWarning, rec: clientRecord("C1"),
			check: func(t *testing.T, d *Desired) {
				u, _ := userOf(d, "vt-u-C1")
				assert.Empty(t, u.Email)
			},
		},
		{
			name: "a shared email is nobody's login",
			snap: func(s *Snapshot) { s.Clients[1].Email = "JOHN@example.edu" },
			code: CodeDuplicateLogin, sev: SeverityWarning, rec: clientRecord("C2"),
			check: func(t *testing.T, d *Desired) {
				assert.True(t, hasDiag(d.Diagnostics, CodeDuplicateLogin, clientRecord("C1")))
				u1, _ := userOf(d, "vt-u-C1")
				u2, _ := userOf(d, "vt-u-C2")
				assert.Equal(t, "C1", u1.Login)
				assert.Equal(t, "C2", u2.Login)
				assert.Equal(t, "JOHN@example.edu", u2.Email, "the email itself is kept")
			},
		},
		{
			name: "no login source left",
			cfg: func() Config {
				c := unitPerOcc()
				c.Login = []LoginSource{LoginUsername}
				return c
			},
			code: CodeNoLogin, sev: SeverityError, rec: clientRecord("C1"),
			check: func(t *testing.T, d *Desired) {
				u, ok := userOf(d, "vt-u-C1")
				require.True(t, ok, "the user stays so an existing LMS user can be enrolled")
				assert.Empty(t, u.Login)
			},
		},
		{
			name: "usernames as logins",
			cfg: func() Config {
				c := unitPerOcc()
				c.Login = []LoginSource{LoginUsername, LoginClientCode}
				return c
			},
			snap: func(s *Snapshot) { s.Clients[0].Username = "jsmith" },
			code: CodeNoLogin, sev: -1,
			check: func(t *testing.T, d *Desired) {
				u, _ := userOf(d, "vt-u-C1")
				assert.Equal(t, "jsmith", u.Login)
				u, _ = userOf(d, "vt-u-C2")
				assert.Equal(t, "C2", u.Login)
			},
		},
		{
			name: "RequireEmail leaves a learner out",
			cfg: func() Config {
				c := unitPerOcc()
				c.RequireEmail = true
				return c
			},
			snap: func(s *Snapshot) { s.Clients[0].Email = "" },
			code: CodeNoEmail, sev: SeverityError, rec: clientRecord("C1"),
			check: func(t *testing.T, d *Desired) {
				_, ok := userOf(d, "vt-u-C1")
				assert.False(t, ok)
				_, ok = findEnrolment(d, istCourse, "vt-u-C1", lms.RoleStudent)
				assert.False(t, ok)
				assert.Nil(t, d.Sources(istCourse, "vt-u-C1"))
			},
		},
		{
			name: "two units with the same code map to one course",
			snap: func(s *Snapshot) {
				s.Occurrences[0].Units = append(s.Occurrences[0].Units, record.Unit{Code: "ist 101", Name: "Intro Stats (old)"})
			},
			code: CodeDuplicateUnit, sev: SeverityWarning, rec: occurrenceRecord(1),
			check: func(t *testing.T, d *Desired) { assert.Len(t, d.State.Courses, 1) },
		},
		{
			name: "occurrence with no units",
			snap: func(s *Snapshot) {
				s.Occurrences = append(s.Occurrences, record.Occurrence{ID: 3, Description: "Empty", Units: []record.Unit{}})
			},
			code: CodeNoUnits, sev: SeverityWarning, rec: occurrenceRecord(3),
		},
		{
			name: "occurrence whose units were not read",
			snap: func(s *Snapshot) {
				s.Occurrences = append(s.Occurrences, record.Occurrence{ID: 3, Description: "Unread"})
			},
			code: CodeUnitsNotRead, sev: SeverityWarning, rec: occurrenceRecord(3),
		},
		{
			name: "unit with no LMS course, creation off",
			cfg: func() Config {
				c := unitPerOcc()
				c.CreateMissingCourses = false
				return c
			},
			code: CodeNoCourse, sev: SeverityWarning, rec: unitRecord("IST101"),
			check: func(t *testing.T, d *Desired) {
				assert.Empty(t, d.State.Courses)
				assert.Empty(t, d.State.Enrolments)
				assert.Empty(t, d.CourseSISIDs)
			},
		},
		{
			name:     "two LMS courses with the unit's code",
			existing: []lms.Course{{ID: "1", Code: "IST101"}, {ID: "2", SISID: "x", Code: "ist101"}},
			code:     CodeAmbiguousCourse, sev: SeverityError, rec: unitRecord("IST101"),
			check: func(t *testing.T, d *Desired) { assert.Empty(t, d.State.Courses) },
		},
		{
			name:     "matched course without SIS ID gets one",
			existing: []lms.Course{{ID: "1", Name: "Stats", Code: "IST101"}},
			code:     CodeCourseNeedsSISID, sev: SeverityWarning, rec: unitRecord("IST101"),
			check: func(t *testing.T, d *Desired) {
				assert.Equal(t, []lms.Course{{ID: "1", SISID: istCourse, Name: "Stats", Code: "IST101"}}, d.State.Courses)
			},
		},
		{
			name: "two units claiming one course SIS ID collide",
			snap: func(s *Snapshot) {
				s.Occurrences[1].Units = []record.Unit{{Code: "IST102", Name: "Stats 2"}}
				s.EnrolledUnits[2].UnitCode, s.EnrolledUnits[3].UnitCode = "IST102", "IST102"
			},
			existing: []lms.Course{{ID: "9", SISID: "vt-unit-IST102", Code: "IST101"}},
			code:     CodeSISIDCollision, sev: SeverityError, rec: unitRecord("IST102"),
			check: func(t *testing.T, d *Desired) {
				assert.Equal(t, []string{"vt-unit-IST102"}, d.CourseSISIDs)
				_, ok := findEnrolment(d, "vt-unit-IST102", "vt-u-C3", lms.RoleStudent)
				assert.False(t, ok, "IST102's learners are not placed in IST101's course")
			},
		},
		{
			name: "client code the LMS cannot hold",
			snap: func(s *Snapshot) { s.Enrolments[0].ClientCode = "C\x001" },
			code: CodeInvalidSISID, sev: SeverityError, rec: clientRecord("C\x001"),
			check: func(t *testing.T, d *Desired) {
				for _, e := range d.State.Enrolments {
					assert.NotContains(t, e.UserSISID, "\x00")
				}
			},
		},
		{
			name: "client code too long",
			snap: func(s *Snapshot) { s.Enrolments[0].ClientCode = strings.Repeat("9", 300) },
			code: CodeInvalidSISID, sev: SeverityError, rec: clientRecord(strings.Repeat("9", 300)),
		},
		{
			name: "enrolment of an occurrence not read",
			snap: func(s *Snapshot) { s.Enrolments[0].OccurrenceID = 42 },
			code: CodeUnknownOccurrence, sev: SeverityWarning, rec: enrolmentRecord(101),
		},
		{
			name: "enrolment without client",
			snap: func(s *Snapshot) { s.Enrolments[0].ClientCode = "  " },
			code: CodeMissingField, sev: SeverityError, rec: enrolmentRecord(101),
		},
		{
			name: "two versions of one enrolment",
			snap: func(s *Snapshot) {
				e := s.Enrolments[0]
				e.Status = "Completed"
				s.Enrolments = append(s.Enrolments, e)
			},
			code: CodeDuplicateRecord, sev: SeverityWarning, rec: Record{RecordEnrolment, "101"},
		},
		{
			name: "unknown staff type is ignored",
			snap: func(s *Snapshot) { s.Occurrences[0].Staff[0].StaffType = "Mentor" },
			code: CodeUnknownStaffType, sev: SeverityInfo, rec: Record{RecordStaff, "Mentor"},
			check: func(t *testing.T, d *Desired) {
				_, ok := findEnrolment(d, istCourse, "vt-u-S1", lms.RoleTeacher)
				assert.False(t, ok)
			},
		},
		{
			name: "names lose control characters",
			snap: func(s *Snapshot) { s.Clients[0].GivenName = "Jo\x1bhn\u202e" },
			code: CodeInvalidText, sev: SeverityWarning, rec: clientRecord("C1"),
			check: func(t *testing.T, d *Desired) {
				u, _ := userOf(d, "vt-u-C1")
				assert.Equal(t, "John", u.GivenName)
			},
		},
		{
			name: "learner without client record is built from the enrolment",
			snap: func(s *Snapshot) { s.Clients = s.Clients[1:] },
			code: CodeNotInSnapshot, sev: SeverityInfo, rec: clientRecord("C1"),
			check: func(t *testing.T, d *Desired) {
				u, _ := userOf(d, "vt-u-C1")
				assert.Equal(t, lms.User{SISID: "vt-u-C1", Login: "C1", GivenName: "John", FamilyName: "Smith"}, u)
			},
		},
		{
			name: "module occurrence without programme",
			cfg:  func() Config { return DefaultConfig(WorkflowModule) },
			snap: func(s *Snapshot) { s.Occurrences[1].ProgrammeID = 0 },
			code: CodeNoProgramme, sev: SeverityError, rec: occurrenceRecord(2),
			check: func(t *testing.T, d *Desired) {
				_, ok := findEnrolment(d, "vt-prog-10", "vt-u-C3", lms.RoleStudent)
				assert.False(t, ok)
			},
		},
		{
			name: "no trainer: learners join the occurrence's section",
			cfg:  func() Config { return DefaultConfig(WorkflowUnit) },
			snap: func(s *Snapshot) { s.Occurrences[1].Staff = nil },
			code: CodeNoTrainer, sev: SeverityInfo, rec: occurrenceRecord(2),
			check: func(t *testing.T, d *Desired) {
				assert.Equal(t, lms.StatusActive, statusOf(d, istCourse, sec2, "vt-u-C3", lms.RoleStudent))
				assert.Equal(t, lms.StatusActive, statusOf(d, istCourse, istCourse+"-trn-S1", "vt-u-C1", lms.RoleStudent))
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := unitPerOcc()
			if tt.cfg != nil {
				cfg = tt.cfg()
			}
			snap := walkthrough()
			if tt.snap != nil {
				tt.snap(&snap)
			}
			d, err := Structure(cfg, snap, tt.existing)
			require.NoError(t, err)
			if tt.sev < 0 {
				for _, dg := range d.Diagnostics {
					assert.NotEqual(t, tt.code, dg.Code, dg.String())
				}
			} else {
				found := false
				for _, dg := range d.Diagnostics {
					if dg.Code == tt.code && dg.Record == tt.rec {
						found = true
						assert.Equal(t, tt.sev, dg.Severity, dg.String())
						assert.NotEmpty(t, dg.Message)
					}
				}
				assert.True(t, found, "want %s on %s; got %v", tt.code, tt.rec, d.Diagnostics)
			}
			if tt.check != nil {
				tt.check(t, d)
			}
		})
	}
}

// A learner withdrawn from Term 1 and enrolled in Term 2 stays in the
// course, out of the Term 1 group and in the Term 2 group.
func TestStructureReEnrolment(t *testing.T) {
	snap := walkthrough()
	snap.Enrolments[0].Status, snap.Enrolments[0].StatusType = "Withdrawn", 9
	snap.Enrolments = append(snap.Enrolments, record.Enrolment{ID: 301, OccurrenceID: 2, ClientCode: "C1", Status: "Active"})
	cfg := DefaultConfig(WorkflowOccurrenceGroups)
	cfg.CreateMissingCourses = true
	d, err := Structure(cfg, snap, nil)
	require.NoError(t, err)
	assert.Equal(t, lms.StatusActive, statusOf(d, istCourse, "", "vt-u-C1", lms.RoleStudent))
	want := map[string]lms.Status{istCourse + "-grp-1": lms.StatusInactive, istCourse + "-grp-2": lms.StatusActive}
	for _, m := range d.State.Memberships {
		if m.UserSISID == "vt-u-C1" {
			assert.Equal(t, want[m.GroupSISID], m.Status, m.GroupSISID)
			delete(want, m.GroupSISID)
		}
	}
	assert.Empty(t, want)
	src := d.Sources(istCourse, "vt-u-C1")
	require.Len(t, src, 2)
	assert.Equal(t, int64(101), src[0].EnrolmentID)
	assert.Equal(t, lms.StatusInactive, src[0].Status)
	assert.Equal(t, int64(301), src[1].EnrolmentID)
}

// A programme occurrence's group lives in every matched course, with one
// SIS ID per course and the same name.
func TestStructureProgrammeOccurrenceGroups(t *testing.T) {
	snap := walkthrough()
	snap.Occurrences = snap.Occurrences[:1]
	snap.Occurrences[0].Units = []record.Unit{{Code: "IST101", Name: "Stats"}, {Code: "IST102", Name: "More stats"}}
	snap.Enrolments = snap.Enrolments[:2]
	snap.EnrolledUnits = []record.EnrolledUnit{{EnrolmentID: 101, UnitCode: "IST101"}, {EnrolmentID: 101, UnitCode: "IST102"}, {EnrolmentID: 102, UnitCode: "IST102"}}
	existing := []lms.Course{{ID: "1", SISID: "c-101", Code: "IST101"}, {ID: "2", SISID: "c-102", Code: "IST102"}}
	d, err := Structure(DefaultConfig(WorkflowOccurrenceGroups), snap, existing)
	require.NoError(t, err)
	assert.Equal(t, []lms.Group{
		{SISID: "c-101-grp-1", CourseSISID: "c-101", Name: "Term 1"},
		{SISID: "c-102-grp-1", CourseSISID: "c-102", Name: "Term 1"},
	}, d.State.Groups)
	assert.Equal(t, []lms.Membership{
		{GroupSISID: "c-101-grp-1", UserSISID: "vt-u-C1", Status: lms.StatusActive},
		{GroupSISID: "c-102-grp-1", UserSISID: "vt-u-C1", Status: lms.StatusActive},
		{GroupSISID: "c-102-grp-1", UserSISID: "vt-u-C2", Status: lms.StatusActive},
	}, d.State.Memberships, "Julie is enrolled in IST102 only")
}

// Per-enrolment trainer links put a learner in that trainer's section.
func TestStructurePersonalTrainer(t *testing.T) {
	snap := walkthrough()
	snap.Staff = []record.StaffLink{{StaffCode: "S2", StaffType: "Trainer", EnrolmentID: 102}}
	d, err := Structure(DefaultConfig(WorkflowUnit), snap, nil)
	require.NoError(t, err)
	assert.Equal(t, lms.StatusActive, statusOf(d, istCourse, istCourse+"-trn-S2", "vt-u-C2", lms.RoleStudent))
	assert.Empty(t, statusOf(d, istCourse, istCourse+"-trn-S1", "vt-u-C2", lms.RoleStudent))
	assert.Equal(t, lms.StatusActive, statusOf(d, istCourse, istCourse+"-trn-S1", "vt-u-C1", lms.RoleStudent))
}

func TestConfigValidate(t *testing.T) {
	for _, w := range Workflows() {
		require.NoError(t, DefaultConfig(w).Validate(), w)
	}
	tests := []struct {
		field string
		mod   func(c *Config)
	}{
		{"Workflow", func(c *Config) { c.Workflow = "" }},
		{"SIS.Separator", func(c *Config) { c.SIS.Separator = "" }},
		{"Staff", func(c *Config) { c.Staff.TrainerRole = "" }},
		{"Sections", func(c *Config) { c.Sections = "cohort" }},
		{"TimeZone", func(c *Config) { c.TimeZone = "Australia/../etc" }},
		{"TimeZone", func(c *Config) { c.TimeZone = "Sydney time" }},
		{"Login", func(c *Config) { c.Login = nil }},
		{"Login", func(c *Config) { c.Login = []LoginSource{"phone"} }},
		{"WithdrawnStatus", func(c *Config) { c.WithdrawnStatus = lms.StatusActive }},
		{"DeletedStatus", func(c *Config) { c.DeletedStatus = "gone" }},
		{"CompletedStatus", func(c *Config) { c.CompletedStatus = "" }},
	}
	for _, tt := range tests {
		c := DefaultConfig(WorkflowUnit)
		tt.mod(&c)
		err := c.Validate()
		var ce *ConfigError
		require.ErrorAs(t, err, &ce, tt.field)
		assert.Equal(t, tt.field, ce.Field)
		assert.Contains(t, err.Error(), tt.field)
	}
	c := DefaultConfig(WorkflowUnit)
	c.TimeZone = "America/Argentina/Buenos_Aires"
	assert.NoError(t, c.Validate())
}
