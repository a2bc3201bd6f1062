package lmstest

import (
	"errors"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
)

// bulkTests check lms.BulkWriter where the LMS implements it: a bulk
// write lands what the Writer methods would, and repeating it changes
// nothing.
func bulkTests() []test {
	return []test{
		{name: "LandsAndRepeats", run: func(s *suite) {
			bw, ok := s.l.(lms.BulkWriter)
			if !ok {
				s.t.Skip("the LMS does not implement lms.BulkWriter")
			}
			c := s.newCourse("bulk")
			c.Start, c.End = nil, nil
			sec := lms.Section{SISID: s.id("section-bulk"), CourseSISID: c.SISID, Name: "Section bulk"}
			g := lms.Group{SISID: s.id("group-bulk"), CourseSISID: c.SISID, Name: "Group bulk"}
			plain := s.newUser("bulk-plain")
			plain.TimeZone = ""
			zoned := s.newUser("bulk-zoned")
			ws := []lms.BulkWrite{
				{Kind: lms.BulkCreateCourse, Course: &c},
				{Kind: lms.BulkCreateSection, Section: &sec},
				{Kind: lms.BulkCreateGroup, Group: &g},
				{Kind: lms.BulkCreateUser, User: &plain},
				{Kind: lms.BulkCreateUser, User: &zoned},
			}
			var es []lms.Enrolment
			for _, u := range []lms.User{plain, zoned} {
				e := lms.Enrolment{UserSISID: u.SISID, CourseSISID: c.SISID, SectionSISID: sec.SISID, Role: lms.RoleStudent, Status: lms.StatusActive}
				m := lms.Membership{GroupSISID: g.SISID, UserSISID: u.SISID, Status: lms.StatusActive}
				es = append(es, e)
				ws = append(ws, lms.BulkWrite{Kind: lms.BulkEnrol, Enrolment: &e}, lms.BulkWrite{Kind: lms.BulkAddMember, Membership: &m})
			}
			s.applyBulk(bw, ws)
			st := s.state(c.SISID)
			assert.Equal(s.t, []string{c.SISID}, courseSISIDs(st))
			assert.Equal(s.t, []string{sec.SISID}, sectionSISIDs(st))
			assert.Equal(s.t, []string{g.SISID}, groupSISIDs(st))
			assert.Equal(s.t, sortedStrings(es[0].Key(), es[1].Key()), enrolmentKeys(st))
			assert.Len(s.t, membershipKeys(st), 2)
			assert.Equal(s.t, zoned.TimeZone, s.readUser(zoned.SISID).TimeZone, "a time zone the bulk format cannot carry still lands")

			s.applyBulk(bw, ws)
			assert.Equal(s.t, Comparable(*st), Comparable(*s.state(c.SISID)), "repeating the bulk write changes nothing")
		}},
	}
}

// applyBulk applies ws as the Syncer does: what the LMS cannot take in
// bulk goes through the Writer methods, containers and people before the
// bulk write, placements after it.
func (s *suite) applyBulk(bw lms.BulkWriter, ws []lms.BulkWrite) {
	s.t.Helper()
	var bulk, after []lms.BulkWrite
	for _, w := range ws {
		switch {
		case bw.CanBulk(w):
			bulk = append(bulk, w)
		case w.Kind == lms.BulkEnrol || w.Kind == lms.BulkAddMember:
			after = append(after, w)
		default:
			s.writeOne(w)
		}
	}
	if len(bulk) > 0 {
		out, err := bw.BulkWrite(s.ctx, bulk, nil)
		require.NoError(s.t, err)
		require.Len(s.t, out, len(bulk))
		for i, err := range out {
			require.NoError(s.t, err, "%s %s", bulk[i].Kind, bulk[i].Key())
		}
	}
	for _, w := range after {
		s.writeOne(w)
	}
}

// writeOne applies w through its Writer method; a create of what exists
// is fine (the bulk write upserts).
func (s *suite) writeOne(w lms.BulkWrite) {
	s.t.Helper()
	var err error
	switch w.Kind {
	case lms.BulkCreateCourse:
		_, err = s.l.CreateCourse(s.ctx, *w.Course)
	case lms.BulkCreateSection:
		_, err = s.l.CreateSection(s.ctx, *w.Section)
	case lms.BulkCreateGroup:
		_, err = s.l.CreateGroup(s.ctx, *w.Group)
	case lms.BulkCreateUser:
		_, err = s.l.CreateUser(s.ctx, *w.User)
	case lms.BulkEnrol:
		_, err = s.l.Enrol(s.ctx, *w.Enrolment)
	case lms.BulkAddMember:
		err = s.l.AddMember(s.ctx, *w.Membership)
	default:
		s.t.Fatalf("lmstest: no Writer call for %s", w.Kind)
	}
	if err != nil && !errors.Is(err, lms.ErrConflict) {
		require.NoError(s.t, err, "%s %s", w.Kind, w.Key())
	}
}
