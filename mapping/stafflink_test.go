package mapping

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/vettrak/record"
)

// VETtrak's staff links carry no unit: a link applies to every unit of its
// occurrence (LinkType 0) or only to its enrolment (LinkType 2), also when
// the enrolment link is listed with the occurrence's staff. Trainers get
// sections, assessors teach the whole course.
func TestStaffLinksByLinkType(t *testing.T) {
	snap := walkthrough()
	snap.Occurrences[0].Units = append(ist101Units(), record.Unit{Code: "IST102", Name: "Probability"})
	snap.Occurrences[0].Staff = []record.StaffLink{
		{StaffCode: "S1", StaffType: "Trainer", LinkType: record.LinkOccurrence, LinkID: 1, OccurrenceID: 1, Primary: true},
		{StaffCode: "S2", StaffType: "Trainer", LinkType: record.LinkEnrolment, LinkID: 102, EnrolmentID: 102},
		{StaffCode: "S3", StaffType: "Assessor", LinkType: record.LinkOccurrence, LinkID: 1, OccurrenceID: 1},
	}
	snap.Occurrences = snap.Occurrences[:1]
	snap.Enrolments = snap.Enrolments[:2]
	snap.EnrolledUnits = nil
	d, err := Structure(DefaultConfig(WorkflowUnit), snap, nil)
	require.NoError(t, err)
	for _, unit := range []string{"IST101", "IST102"} {
		c := "vt-unit-" + unit
		_, ok := findEnrolment(d, c, "vt-u-C1", lms.RoleStudent)
		assert.True(t, ok, unit)
		e, _ := findEnrolment(d, c, "vt-u-C1", lms.RoleStudent)
		assert.Equal(t, c+"-trn-S1", e.SectionSISID, "John has no trainer of his own: the occurrence's, in %s", unit)
		e, _ = findEnrolment(d, c, "vt-u-C2", lms.RoleStudent)
		assert.Equal(t, c+"-trn-S2", e.SectionSISID, "Julie's own trainer, in every unit (%s)", unit)
		e, _ = findEnrolment(d, c, "vt-u-S3", lms.RoleTeacher)
		assert.Empty(t, e.SectionSISID, "the assessor teaches the whole course")
	}
	var users []string
	for _, u := range d.State.Users {
		users = append(users, u.SISID+" "+u.Email)
	}
	assert.Contains(t, users, "vt-u-S2 tom@example.edu", "the staff member's email comes from the client record")
}
