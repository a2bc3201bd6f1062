package mapping

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak/record"
)

func TestStructureWalkthroughPerWorkflow(t *testing.T) {
	const (
		unitC = "vt-unit-IST101"
		subjC = "vt-subj-IST101"
		progC = "vt-prog-10"
		occ1C = "vt-occ-1"
		occ2C = "vt-occ-2"
	)
	coassemble := lms.Course{ID: "77", Name: "Intro Stats (LMS)", Code: "ist101"}
	tests := []struct {
		name        string
		cfg         func() Config
		existing    []lms.Course
		courses     []lms.Course
		sections    []lms.Section
		groups      []lms.Group
		enrolments  []lms.Enrolment
		memberships []lms.Membership
		info        []CourseInfo
	}{
		{
			name:    "unit, section per trainer",
			cfg:     func() Config { return DefaultConfig(WorkflowUnit) },
			courses: []lms.Course{{SISID: unitC, Name: "Introduction to Statistics", Code: "IST101"}},
			sections: []lms.Section{
				{SISID: unitC + "-trn-S1", CourseSISID: unitC, Name: "Tina Trainer"},
				{SISID: unitC + "-trn-S2", CourseSISID: unitC, Name: "Tom Tutor"},
			},
			enrolments: []lms.Enrolment{
				active(unitC, "", "vt-u-S3", lms.RoleTeacher),
				active(unitC, unitC+"-trn-S1", "vt-u-C1", lms.RoleStudent),
				active(unitC, unitC+"-trn-S1", "vt-u-C2", lms.RoleStudent),
				active(unitC, unitC+"-trn-S1", "vt-u-S1", lms.RoleTeacher),
				active(unitC, unitC+"-trn-S2", "vt-u-C3", lms.RoleStudent),
				active(unitC, unitC+"-trn-S2", "vt-u-C4", lms.RoleStudent),
				active(unitC, unitC+"-trn-S2", "vt-u-S2", lms.RoleTeacher),
			},
			info: []CourseInfo{{SISID: unitC, UnitCodes: []string{"IST101"}, OccurrenceIDs: []int64{1, 2}}},
		},
		{
			name: "unit, section per occurrence",
			cfg: func() Config {
				c := DefaultConfig(WorkflowUnit)
				c.Sections = SectionPerOccurrence
				return c
			},
			courses: []lms.Course{{SISID: unitC, Name: "Introduction to Statistics", Code: "IST101"}},
			sections: []lms.Section{
				{SISID: unitC + "-sec-1", CourseSISID: unitC, Name: "Term 1"},
				{SISID: unitC + "-sec-2", CourseSISID: unitC, Name: "Term 2"},
			},
			enrolments: []lms.Enrolment{
				active(unitC, "", "vt-u-S3", lms.RoleTeacher),
				active(unitC, unitC+"-sec-1", "vt-u-C1", lms.RoleStudent),
				active(unitC, unitC+"-sec-1", "vt-u-C2", lms.RoleStudent),
				active(unitC, unitC+"-sec-1", "vt-u-S1", lms.RoleTeacher),
				active(unitC, unitC+"-sec-2", "vt-u-C3", lms.RoleStudent),
				active(unitC, unitC+"-sec-2", "vt-u-C4", lms.RoleStudent),
				active(unitC, unitC+"-sec-2", "vt-u-S2", lms.RoleTeacher),
			},
			info: []CourseInfo{{SISID: unitC, UnitCodes: []string{"IST101"}, OccurrenceIDs: []int64{1, 2}}},
		},
		{
			name:     "unit, matched by code",
			cfg:      func() Config { c := DefaultConfig(WorkflowUnit); c.Sections = SectionPerOccurrence; return c },
			existing: []lms.Course{{ID: "5", SISID: "IST101-2026", Name: "Stats", Code: "IST 101"}, {ID: "6", SISID: "OTHER", Code: "BSB1"}},
			courses:  []lms.Course{{ID: "5", SISID: "IST101-2026", Name: "Stats", Code: "IST 101"}},
			sections: []lms.Section{
				{SISID: "IST101-2026-sec-1", CourseSISID: "IST101-2026", Name: "Term 1"},
				{SISID: "IST101-2026-sec-2", CourseSISID: "IST101-2026", Name: "Term 2"},
			},
			enrolments: []lms.Enrolment{
				active("IST101-2026", "", "vt-u-S3", lms.RoleTeacher),
				active("IST101-2026", "IST101-2026-sec-1", "vt-u-C1", lms.RoleStudent),
				active("IST101-2026", "IST101-2026-sec-1", "vt-u-C2", lms.RoleStudent),
				active("IST101-2026", "IST101-2026-sec-1", "vt-u-S1", lms.RoleTeacher),
				active("IST101-2026", "IST101-2026-sec-2", "vt-u-C3", lms.RoleStudent),
				active("IST101-2026", "IST101-2026-sec-2", "vt-u-C4", lms.RoleStudent),
				active("IST101-2026", "IST101-2026-sec-2", "vt-u-S2", lms.RoleTeacher),
			},
			info: []CourseInfo{{SISID: "IST101-2026", UnitCodes: []string{"IST101"}, OccurrenceIDs: []int64{1, 2}, Adopted: true}},
		},
		{
			name:    "subject",
			cfg:     func() Config { return DefaultConfig(WorkflowSubject) },
			courses: []lms.Course{{SISID: subjC, Name: "Introduction to Statistics", Code: "IST101"}},
			sections: []lms.Section{
				{SISID: subjC + "-sec-1", CourseSISID: subjC, Name: "Term 1"},
				{SISID: subjC + "-sec-2", CourseSISID: subjC, Name: "Term 2"},
			},
			enrolments: []lms.Enrolment{
				active(subjC, "", "vt-u-S3", lms.RoleTeacher),
				active(subjC, subjC+"-sec-1", "vt-u-C1", lms.RoleStudent),
				active(subjC, subjC+"-sec-1", "vt-u-C2", lms.RoleStudent),
				active(subjC, subjC+"-sec-1", "vt-u-S1", lms.RoleTeacher),
				active(subjC, subjC+"-sec-2", "vt-u-C3", lms.RoleStudent),
				active(subjC, subjC+"-sec-2", "vt-u-C4", lms.RoleStudent),
				active(subjC, subjC+"-sec-2", "vt-u-S2", lms.RoleTeacher),
			},
			info: []CourseInfo{{SISID: subjC, UnitCodes: []string{"IST101"}, OccurrenceIDs: []int64{1, 2}}},
		},
		{
			name:    "module",
			cfg:     func() Config { return DefaultConfig(WorkflowModule) },
			courses: []lms.Course{{SISID: progC, Name: "Statistics Skill Set", Code: "STAT1"}},
			sections: []lms.Section{
				{SISID: progC + "-sec-1", CourseSISID: progC, Name: "Term 1"},
				{SISID: progC + "-sec-2", CourseSISID: progC, Name: "Term 2"},
			},
			enrolments: []lms.Enrolment{
				active(progC, "", "vt-u-S3", lms.RoleTeacher),
				active(progC, progC+"-sec-1", "vt-u-C1", lms.RoleStudent),
				active(progC, progC+"-sec-1", "vt-u-C2", lms.RoleStudent),
				active(progC, progC+"-sec-1", "vt-u-S1", lms.RoleTeacher),
				active(progC, progC+"-sec-2", "vt-u-C3", lms.RoleStudent),
				active(progC, progC+"-sec-2", "vt-u-C4", lms.RoleStudent),
				active(progC, progC+"-sec-2", "vt-u-S2", lms.RoleTeacher),
			},
			info: []CourseInfo{{SISID: progC, UnitCodes: []string{"IST101"}, OccurrenceIDs: []int64{1, 2}}},
		},
		{
			name: "course",
			cfg:  func() Config { return DefaultConfig(WorkflowCourse) },
			courses: []lms.Course{
				{SISID: occ1C, Name: "Term 1", Code: "T1", Start: ptr(date(2026, 2, 2)), End: ptr(date(2026, 4, 11)) /* ends when 10 Apr ends */},
				{SISID: occ2C, Name: "Term 2", Code: "T2", Start: ptr(date(2026, 4, 27)), End: ptr(date(2026, 7, 4))},
			},
			enrolments: []lms.Enrolment{
				active(occ1C, "", "vt-u-C1", lms.RoleStudent),
				active(occ1C, "", "vt-u-C2", lms.RoleStudent),
				active(occ1C, "", "vt-u-S1", lms.RoleTeacher),
				active(occ1C, "", "vt-u-S3", lms.RoleTeacher),
				active(occ2C, "", "vt-u-C3", lms.RoleStudent),
				active(occ2C, "", "vt-u-C4", lms.RoleStudent),
				active(occ2C, "", "vt-u-S2", lms.RoleTeacher),
			},
			info: []CourseInfo{
				{SISID: occ1C, UnitCodes: []string{"IST101"}, OccurrenceIDs: []int64{1}},
				{SISID: occ2C, UnitCodes: []string{"IST101"}, OccurrenceIDs: []int64{2}},
			},
		},
		{
			// The walkthrough as the LMS-pulls model states it: one course
			// (the LMS's, matched by code) with groups Term 1 and Term 2.
			name:     "occurrence groups",
			cfg:      func() Config { c := DefaultConfig(WorkflowOccurrenceGroups); c.TimeZone = "Australia/Sydney"; return c },
			existing: []lms.Course{coassemble},
			courses:  []lms.Course{{ID: "77", SISID: unitC, Name: "Intro Stats (LMS)", Code: "ist101"}},
			groups: []lms.Group{
				{SISID: unitC + "-grp-1", CourseSISID: unitC, Name: "Term 1"},
				{SISID: unitC + "-grp-2", CourseSISID: unitC, Name: "Term 2"},
			},
			enrolments: []lms.Enrolment{
				active(unitC, "", "vt-u-C1", lms.RoleStudent),
				active(unitC, "", "vt-u-C2", lms.RoleStudent),
				active(unitC, "", "vt-u-C3", lms.RoleStudent),
				active(unitC, "", "vt-u-C4", lms.RoleStudent),
				active(unitC, "", "vt-u-S1", lms.RoleTeacher),
				active(unitC, "", "vt-u-S2", lms.RoleTeacher),
				active(unitC, "", "vt-u-S3", lms.RoleTeacher),
			},
			memberships: []lms.Membership{
				{GroupSISID: unitC + "-grp-1", UserSISID: "vt-u-C1", Status: lms.StatusActive},
				{GroupSISID: unitC + "-grp-1", UserSISID: "vt-u-C2", Status: lms.StatusActive},
				{GroupSISID: unitC + "-grp-2", UserSISID: "vt-u-C3", Status: lms.StatusActive},
				{GroupSISID: unitC + "-grp-2", UserSISID: "vt-u-C4", Status: lms.StatusActive},
			},
			info: []CourseInfo{{SISID: unitC, UnitCodes: []string{"IST101"}, OccurrenceIDs: []int64{1, 2}, Adopted: true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg()
			d, err := Structure(cfg, walkthrough(), tt.existing)
			require.NoError(t, err)
			assert.Equal(t, tt.courses, d.State.Courses)
			assert.Equal(t, tt.sections, d.State.Sections)
			assert.Equal(t, tt.groups, d.State.Groups)
			assert.Equal(t, sortedEnrolments(tt.enrolments), d.State.Enrolments)
			assert.Equal(t, tt.memberships, d.State.Memberships)
			assert.Equal(t, walkthroughUsers(cfg.TimeZone), d.State.Users)
			assert.Equal(t, tt.info, d.Courses)
			var ids []string
			for _, c := range tt.courses {
				ids = append(ids, c.SISID)
			}
			assert.Equal(t, ids, d.CourseSISIDs)
			assert.False(t, HasErrors(d.Diagnostics), "%v", d.Diagnostics)
			// Every learner has provenance back to their enrolment.
			for _, e := range d.State.Enrolments {
				if e.Role != lms.RoleStudent {
					continue
				}
				src := d.Sources(e.CourseSISID, e.UserSISID)
				require.Len(t, src, 1, e.Key())
				assert.Equal(t, []string{"IST101"}, src[0].UnitCodes)
				assert.Equal(t, "vt-u-"+src[0].ClientCode, e.UserSISID)
			}
		})
	}
}

func sortedEnrolments(es []lms.Enrolment) []lms.Enrolment {
	out := append([]lms.Enrolment(nil), es...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j].Key() < out[i].Key() {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestStructureInvalidConfig(t *testing.T) {
	cfg := DefaultConfig("semester")
	_, err := Structure(cfg, walkthrough(), nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrInvalidConfig)
	var ce *ConfigError
	require.True(t, errors.As(err, &ce))
	assert.Equal(t, "Workflow", ce.Field)
}

func hasDiag(ds []Diagnostic, code Code, rec Record) bool {
	for _, d := range ds {
		if d.Code == code && d.Record == rec {
			return true
		}
	}
	return false
}

func findEnrolment(d *Desired, course, user string, role lms.Role) (lms.Enrolment, bool) {
	for _, e := range d.State.Enrolments {
		if e.CourseSISID == course && e.UserSISID == user && e.Role == role {
			return e, true
		}
	}
	return lms.Enrolment{}, false
}

var _ = record.Enrolment{}
