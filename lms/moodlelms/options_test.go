package moodlelms_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
	"github.com/vtsync/vtsync/lms/moodlelms"
	"github.com/vtsync/vtsync/moodle/moodletest"
)

func TestOptionsValidate(t *testing.T) {
	l, _ := newLMS(t)
	for name, opt := range map[string]moodlelms.Option{
		"category 0":        moodlelms.WithCategory(0),
		"no roles":          moodlelms.WithRoles(nil),
		"bad role id":       moodlelms.WithRoles(map[lms.Role]int64{lms.RoleStudent: 0}),
		"webservice auth":   moodlelms.WithAuth("webservice"),
		"empty prefix":      moodlelms.WithSectionPrefix(""),
		"negative TTL":      moodlelms.WithIndexTTL(-1),
		"empty auth plugin": moodlelms.WithAuth(""),
	} {
		_, err := moodlelms.New(l.Client(), opt)
		assert.Error(t, err, name)
	}
	_, err := moodlelms.New(nil)
	assert.Error(t, err)
}

// Options change what the lms model becomes in Moodle.
func TestOptionsApply(t *testing.T) {
	base, srv := newLMS(t)
	cat := srv.AddCategory("VET")
	l, err := moodlelms.New(base.Client(), moodlelms.WithCategory(cat), moodlelms.WithAuth("oauth2"),
		moodlelms.WithSectionPrefix("sec/"), moodlelms.WithIndexTTL(0),
		moodlelms.WithRoles(map[lms.Role]int64{lms.RoleStudent: moodletest.RoleStudent, lms.RoleTeacher: moodletest.RoleTeacher}))
	require.NoError(t, err)
	ctx := t.Context()
	_, err = l.CreateCourse(ctx, lms.Course{SISID: "c", Name: "C", Code: "C"})
	require.NoError(t, err)
	_, err = l.CreateSection(ctx, lms.Section{SISID: "s", CourseSISID: "c", Name: "S"})
	require.NoError(t, err)
	_, err = l.CreateUser(ctx, user("t"))
	require.NoError(t, err, "an SSO plugin needs no password")
	_, err = l.Enrol(ctx, lms.Enrolment{UserSISID: "t", CourseSISID: "c", SectionSISID: "s", Role: lms.RoleTeacher, Status: lms.StatusActive})
	require.NoError(t, err)

	c, _ := srv.CourseByIDNumber("c")
	assert.Equal(t, cat, c.CategoryID)
	u, _ := srv.UserByIDNumber("t")
	assert.Equal(t, "oauth2", u.Auth)
	st, _ := srv.Enrolment(u.ID, c.ID)
	assert.Equal(t, []int64{moodletest.RoleTeacher}, st.Roles, "teacher is the non-editing teacher here")

	got, err := l.ReadState(ctx, []string{"c"})
	require.NoError(t, err)
	require.Len(t, got.Sections, 1)
	assert.Equal(t, "s", got.Sections[0].SISID)
	require.Len(t, got.Enrolments, 1)
	assert.Equal(t, "c|s|t|teacher", got.Enrolments[0].Key())

	// The default prefix does not see this LMS's sections.
	plain, err := moodlelms.New(base.Client())
	require.NoError(t, err)
	other, err := plain.ReadState(ctx, []string{"c"})
	require.NoError(t, err)
	assert.Empty(t, other.Sections)
	assert.Equal(t, []lms.Group{{ID: got.Sections[0].ID, SISID: "sec/s", CourseSISID: "c", Name: "S"}}, other.Groups)
}
