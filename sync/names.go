package sync

// Names says what people and LMS objects are called, by SIS ID, so a plan
// can be shown to people by name rather than by key. Every map may be
// empty; a caller falls back to the SIS ID.
type Names struct {
	// Users maps a user SIS ID to "Given Family".
	Users map[string]string `json:"users"`
	// Courses maps a course SIS ID to its code and name ("IST101
	// Introduction to Statistics").
	Courses map[string]string `json:"courses"`
	// Groups and Sections map their SIS IDs to their names.
	Groups   map[string]string `json:"groups"`
	Sections map[string]string `json:"sections"`
	// GroupCourses maps a group SIS ID to its course's SIS ID.
	GroupCourses map[string]string `json:"group_courses"`
}

// Names returns the names of everything the plan touches: from the state
// the mapping wanted when the plan was made, and from the operations'
// own payloads (all a plan read back from JSON has).
func (p *Plan) Names() Names {
	n := Names{Users: map[string]string{}, Courses: map[string]string{}, Groups: map[string]string{}, Sections: map[string]string{}, GroupCourses: map[string]string{}}
	if p.desired != nil {
		st := p.desired.State
		for _, u := range st.Users {
			n.Users[u.SISID] = u.DisplayName()
		}
		for _, c := range st.Courses {
			n.Courses[c.SISID] = courseLabel(c.Code, c.Name)
		}
		for _, g := range st.Groups {
			n.Groups[g.SISID] = g.Name
			n.GroupCourses[g.SISID] = g.CourseSISID
		}
		for _, s := range st.Sections {
			n.Sections[s.SISID] = s.Name
		}
	}
	for _, op := range p.Ops {
		switch {
		case op.User != nil && op.User.DisplayName() != "":
			n.Users[op.User.SISID] = op.User.DisplayName()
		case op.Course != nil:
			n.Courses[op.Course.SISID] = courseLabel(op.Course.Code, op.Course.Name)
		case op.Group != nil:
			n.Groups[op.Group.SISID] = op.Group.Name
			n.GroupCourses[op.Group.SISID] = op.Group.CourseSISID
		case op.Section != nil:
			n.Sections[op.Section.SISID] = op.Section.Name
		}
	}
	return n
}

// courseLabel is "CODE Name", without repeating a code the name already
// starts with.
func courseLabel(code, name string) string {
	switch {
	case code == "":
		return name
	case name == "" || name == code:
		return code
	case len(name) >= len(code) && name[:len(code)] == code:
		return name
	}
	return code + " " + name
}
