package lmstest

import (
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
)

func courseTests() []test {
	return []test{
		{name: "CreateAndRead", run: func(s *suite) {
			want := s.newCourse("A")
			got := s.mustCourse(want)
			assertCourse(s.t, want, got)
			require.NotEmpty(s.t, got.ID, "CreateCourse must return the LMS's ID: UpdateCourse finds courses by it")

			bare := lms.Course{SISID: s.id("course-bare"), Name: "No dates", Code: s.id("BARE")}
			assertCourse(s.t, bare, s.mustCourse(bare))

			st := s.state(want.SISID, bare.SISID)
			require.Len(s.t, st.Courses, 2)
			for _, c := range st.Courses {
				switch c.SISID {
				case want.SISID:
					assertCourse(s.t, want, c)
					assert.Equal(s.t, got.ID, c.ID, "ReadState must show the ID CreateCourse returned")
				case bare.SISID:
					assertCourse(s.t, bare, c)
				default:
					s.t.Errorf("ReadState returned course %q, not asked for", c.SISID)
				}
			}

			all, err := s.l.ListCourses(s.ctx)
			require.NoError(s.t, err)
			listed := 0
			for _, c := range all {
				if c.SISID == want.SISID {
					listed++
					assert.Equal(s.t, want.Code, c.Code, "ListCourses must give the course code")
					assert.Equal(s.t, got.ID, c.ID, "ListCourses must give the LMS's ID")
				}
			}
			assert.Equal(s.t, 1, listed, "ListCourses must list the new course once")
		}},
		{name: "Update", run: func(s *suite) {
			c := s.course("A")
			c.ID = "" // found by SIS ID
			c.Name = "Renamed – Certificate IV"
			c.Code = s.id("CODE-B")
			c.Start = ptr(start.Add(24 * time.Hour))
			c.End = nil
			require.NoError(s.t, s.l.UpdateCourse(s.ctx, c))
			st := s.state(c.SISID)
			require.Len(s.t, st.Courses, 1)
			assertCourse(s.t, c, st.Courses[0])

			require.NoError(s.t, s.l.UpdateCourse(s.ctx, c), "an update that changes nothing must succeed")
			assertCourse(s.t, c, s.state(c.SISID).Courses[0])
		}},
		{name: "Conflict", run: func(s *suite) {
			first := s.course("A")
			dup := s.newCourse("A")
			dup.Name = "Impostor"
			_, err := s.l.CreateCourse(s.ctx, dup)
			require.ErrorIs(s.t, err, lms.ErrConflict, "a second course with SIS ID %q", dup.SISID)
			st := s.state(first.SISID)
			require.Len(s.t, st.Courses, 1, "the conflict must not create a second course")
			assert.Equal(s.t, first.Name, st.Courses[0].Name, "the conflict must not change the first course")
		}},
		{name: "UpdateUnknown", run: func(s *suite) {
			err := s.l.UpdateCourse(s.ctx, s.newCourse("missing"))
			require.ErrorIs(s.t, err, lms.ErrNotFound)
			assert.Empty(s.t, s.state(s.id("course-missing")).Courses, "an update must not create")
		}},
		{name: "AdoptByID", needs: needSeedCourse, run: func(s *suite) {
			// The LMS-pulls model: a person made the course; the Syncer
			// finds it by code and gives it a SIS ID.
			seeded, err := s.h.SeedCourse(s.ctx, lms.Course{Name: "Made by hand", Code: s.id("IST101")})
			require.NoError(s.t, err)
			all, err := s.l.ListCourses(s.ctx)
			require.NoError(s.t, err)
			var found *lms.Course
			for i, c := range all {
				if c.Code == s.id("IST101") {
					found = &all[i]
				}
			}
			require.NotNil(s.t, found, "ListCourses must list a course without a SIS ID")
			require.NotEmpty(s.t, found.ID)
			assert.Empty(s.t, found.SISID)
			assert.Equal(s.t, seeded.ID, found.ID)

			adopted := lms.Course{ID: found.ID, SISID: s.id("course-adopted"), Name: "Made by hand", Code: s.id("IST101")}
			require.NoError(s.t, s.l.UpdateCourse(s.ctx, adopted))
			st := s.state(adopted.SISID)
			require.Len(s.t, st.Courses, 1, "the adopted course must be readable by its new SIS ID")
			assertCourse(s.t, adopted, st.Courses[0])
			assert.Equal(s.t, found.ID, st.Courses[0].ID, "adoption must not make a new course")

			// Once adopted, it takes sections like any other course.
			sec := s.section(st.Courses[0], "adopted")
			assert.Equal(s.t, adopted.SISID, sec.CourseSISID)
		}},
		{name: "AdoptConflict", needs: needSeedCourse, run: func(s *suite) {
			taken := s.course("taken")
			seeded, err := s.h.SeedCourse(s.ctx, lms.Course{Name: "Made by hand", Code: s.id("IST102")})
			require.NoError(s.t, err)
			require.NotEmpty(s.t, seeded.ID)
			err = s.l.UpdateCourse(s.ctx, lms.Course{ID: seeded.ID, SISID: taken.SISID, Name: "x", Code: "x"})
			require.ErrorIs(s.t, err, lms.ErrConflict, "giving a course a SIS ID another course holds")
			st := s.state(taken.SISID)
			require.Len(s.t, st.Courses, 1)
			assertCourse(s.t, taken, st.Courses[0])
		}},
	}
}

func sectionTests() []test {
	return []test{
		{name: "CreateAndRead", run: func(s *suite) {
			c := s.course("A")
			want := lms.Section{SISID: s.id("section-1"), CourseSISID: c.SISID, Name: "Trainer: Jo Bloggs"}
			got, err := s.l.CreateSection(s.ctx, want)
			require.NoError(s.t, err)
			assert.Equal(s.t, want.SISID, got.SISID)
			assert.Equal(s.t, want.CourseSISID, got.CourseSISID)
			assert.Equal(s.t, want.Name, got.Name)
			st := s.state(c.SISID)
			require.Len(s.t, st.Sections, 1)
			assert.Equal(s.t, want.SISID, st.Sections[0].SISID)
			assert.Equal(s.t, want.CourseSISID, st.Sections[0].CourseSISID)
			assert.Equal(s.t, want.Name, st.Sections[0].Name)
			if got.ID != "" {
				assert.Equal(s.t, got.ID, st.Sections[0].ID, "ReadState must show the ID CreateSection returned")
			}
		}},
		{name: "Update", run: func(s *suite) {
			c := s.course("A")
			sec := s.section(c, "1")
			sec.ID = ""
			sec.Name = "Renamed"
			require.NoError(s.t, s.l.UpdateSection(s.ctx, sec))
			st := s.state(c.SISID)
			require.Len(s.t, st.Sections, 1)
			assert.Equal(s.t, "Renamed", st.Sections[0].Name)
			require.NoError(s.t, s.l.UpdateSection(s.ctx, sec), "an update that changes nothing must succeed")
		}},
		{name: "Conflict", run: func(s *suite) {
			a, b := s.course("A"), s.course("B")
			first := s.section(a, "1")
			for _, c := range []lms.Course{a, b} {
				_, err := s.l.CreateSection(s.ctx, lms.Section{SISID: first.SISID, CourseSISID: c.SISID, Name: "dup"})
				require.ErrorIs(s.t, err, lms.ErrConflict, "section SIS IDs are unique across courses (course %q)", c.SISID)
			}
			st := s.state(a.SISID, b.SISID)
			require.Len(s.t, st.Sections, 1)
			assert.Equal(s.t, first.Name, st.Sections[0].Name)
		}},
		{name: "UnknownCourse", run: func(s *suite) {
			_, err := s.l.CreateSection(s.ctx, lms.Section{SISID: s.id("section-1"), CourseSISID: s.id("course-missing"), Name: "x"})
			require.ErrorIs(s.t, err, lms.ErrNotFound)
		}},
		{name: "UpdateUnknown", run: func(s *suite) {
			c := s.course("A")
			err := s.l.UpdateSection(s.ctx, lms.Section{SISID: s.id("section-missing"), CourseSISID: c.SISID, Name: "x"})
			require.ErrorIs(s.t, err, lms.ErrNotFound)
			assert.Empty(s.t, s.state(c.SISID).Sections, "an update must not create")
		}},
	}
}

func groupTests() []test {
	return []test{
		{name: "CreateAndRead", run: func(s *suite) {
			c := s.course("A")
			want := lms.Group{SISID: s.id("group-1"), CourseSISID: c.SISID, Name: "Occurrence 2026-T1 Parramatta"}
			got, err := s.l.CreateGroup(s.ctx, want)
			require.NoError(s.t, err)
			assert.Equal(s.t, want.SISID, got.SISID)
			assert.Equal(s.t, want.CourseSISID, got.CourseSISID)
			assert.Equal(s.t, want.Name, got.Name)
			st := s.state(c.SISID)
			require.Len(s.t, st.Groups, 1)
			assert.Equal(s.t, want.SISID, st.Groups[0].SISID)
			assert.Equal(s.t, want.CourseSISID, st.Groups[0].CourseSISID)
			assert.Equal(s.t, want.Name, st.Groups[0].Name)
			if got.ID != "" {
				assert.Equal(s.t, got.ID, st.Groups[0].ID, "ReadState must show the ID CreateGroup returned")
			}
		}},
		{name: "Update", run: func(s *suite) {
			c := s.course("A")
			g := s.group(c, "1")
			g.ID = ""
			g.Name = "Renamed"
			require.NoError(s.t, s.l.UpdateGroup(s.ctx, g))
			st := s.state(c.SISID)
			require.Len(s.t, st.Groups, 1)
			assert.Equal(s.t, "Renamed", st.Groups[0].Name)
			require.NoError(s.t, s.l.UpdateGroup(s.ctx, g), "an update that changes nothing must succeed")
		}},
		{name: "Conflict", run: func(s *suite) {
			a, b := s.course("A"), s.course("B")
			first := s.group(a, "1")
			for _, c := range []lms.Course{a, b} {
				_, err := s.l.CreateGroup(s.ctx, lms.Group{SISID: first.SISID, CourseSISID: c.SISID, Name: "dup"})
				require.ErrorIs(s.t, err, lms.ErrConflict, "group SIS IDs are unique across courses (course %q)", c.SISID)
			}
			st := s.state(a.SISID, b.SISID)
			require.Len(s.t, st.Groups, 1)
			assert.Equal(s.t, first.Name, st.Groups[0].Name)
		}},
		{name: "UnknownCourse", run: func(s *suite) {
			_, err := s.l.CreateGroup(s.ctx, lms.Group{SISID: s.id("group-1"), CourseSISID: s.id("course-missing"), Name: "x"})
			require.ErrorIs(s.t, err, lms.ErrNotFound)
		}},
		{name: "UpdateUnknown", run: func(s *suite) {
			c := s.course("A")
			err := s.l.UpdateGroup(s.ctx, lms.Group{SISID: s.id("group-missing"), CourseSISID: c.SISID, Name: "x"})
			require.ErrorIs(s.t, err, lms.ErrNotFound)
			assert.Empty(s.t, s.state(c.SISID).Groups, "an update must not create")
		}},
	}
}
