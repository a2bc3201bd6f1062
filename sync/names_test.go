package sync

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/mapping"
)

func TestPlanNames(t *testing.T) {
	t.Parallel()
	p := &Plan{
		desired: &mapping.Desired{State: lms.State{
			Users:   []lms.User{{SISID: "u1", GivenName: "John", FamilyName: "Smith"}},
			Courses: []lms.Course{{SISID: "c1", Code: "IST101", Name: "Introduction to Statistics"}},
			Groups:  []lms.Group{{SISID: "g1", CourseSISID: "c1", Name: "Term 1"}},
		}},
		Ops: []Op{
			{Kind: OpCreateUser, User: &lms.User{SISID: "u2", GivenName: "Ann", FamilyName: "Lee"}},
			{Kind: OpCreateCourse, Course: &lms.Course{SISID: "c2", Code: "BSB1", Name: "BSB1 Leadership"}},
		},
	}
	n := p.Names()
	assert.Equal(t, "John Smith", n.Users["u1"])
	assert.Equal(t, "Ann Lee", n.Users["u2"], "from an op's payload")
	assert.Equal(t, "IST101 Introduction to Statistics", n.Courses["c1"])
	assert.Equal(t, "BSB1 Leadership", n.Courses["c2"], "no doubled code")
	assert.Equal(t, "Term 1", n.Groups["g1"])
	assert.Equal(t, "c1", n.GroupCourses["g1"])

	empty := (&Plan{}).Names()
	assert.NotNil(t, empty.Users, "a plan read back from JSON still gives usable maps")
}
