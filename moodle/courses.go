package moodle

import (
	"context"
	"errors"
)

// CoursesService calls the core_course_* functions
// (course/externallib.php core_course_external).
type CoursesService service

// Course is a course as core_course_get_courses_by_field returns it
// (get_course_structure(false)). Fields marked "manager" are only sent to
// callers with moodle/course:update in the course.
type Course struct {
	ID           int64  `json:"id"`
	FullName     string `json:"fullname"`
	DisplayName  string `json:"displayname"`
	ShortName    string `json:"shortname"`
	CategoryID   int64  `json:"categoryid"`
	CategoryName string `json:"categoryname"`
	Summary      string `json:"summary"`
	// IDNumber is the course's SIS ID (manager).
	IDNumber         string   `json:"idnumber"`
	Format           string   `json:"format"`
	StartDate        int64    `json:"startdate"`
	EndDate          int64    `json:"enddate"`
	Visible          int      `json:"visible"`
	GroupMode        int      `json:"groupmode"`
	EnableCompletion int      `json:"enablecompletion"`
	EnrolmentMethods []string `json:"enrollmentmethods"`
	TimeCreated      int64    `json:"timecreated"`
	TimeModified     int64    `json:"timemodified"`
}

// SiteFormat is the format of the front page course (id SITEID), which an
// unfiltered listing includes.
const SiteFormat = "site"

// Course lookup fields of core_course_get_courses_by_field.
const (
	CourseByID       = "id"
	CourseByIDs      = "ids"
	CourseByShort    = "shortname"
	CourseByIDNumber = "idnumber"
	CourseByCategory = "category"
)

// GetCoursesByField calls core_course_get_courses_by_field
// (course/externallib.php get_courses_by_field). An empty field lists
// every course, the front page included. A value matches exactly (the
// database's collation decides case). Nothing found is an empty list, not
// an error.
//
// Never call it with field "idnumber" and an empty value: that matches
// every course without an idnumber, so the client refuses it.
func (s *CoursesService) GetCoursesByField(ctx context.Context, field, value string) ([]Course, error) {
	if field == CourseByIDNumber && value == "" {
		return nil, &OperationError{Service: "moodle", Operation: "core_course_get_courses_by_field",
			Err: errors.New("empty idnumber would match every course without one")}
	}
	p := Params{}
	if field != "" {
		p.Set("field", field)
		p.Set("value", value)
	}
	var out struct {
		Courses  []Course  `json:"courses"`
		Warnings []Warning `json:"warnings"`
	}
	err := s.client.do(ctx, call{fn: "core_course_get_courses_by_field", params: p, idem: true}, &out)
	return out.Courses, err
}

// NewCourse is one course for core_course_create_courses. Pointer fields
// are sent only when set: Moodle fills in site defaults for the rest (and
// today's midnight for an absent StartDate; send 0 for none).
type NewCourse struct {
	FullName   string
	ShortName  string
	CategoryID int64
	IDNumber   *string
	Summary    *string
	StartDate  *int64
	EndDate    *int64
	Visible    *int64
	// EnableCompletion turns course completion tracking on (1) or off (0).
	EnableCompletion *int64
}

// CreatedCourse is what core_course_create_courses returns per course.
type CreatedCourse struct {
	ID        int64  `json:"id"`
	ShortName string `json:"shortname"`
}

// CreateCourses calls core_course_create_courses (course/externallib.php
// create_courses). The batch is one transaction: the first failure
// (shortnametaken, courseidnumbertaken, errorcatcontextnotvalid, …) rolls
// it all back and is the call's error.
func (s *CoursesService) CreateCourses(ctx context.Context, courses []NewCourse) ([]CreatedCourse, error) {
	p := Params{}
	for i, c := range courses {
		p.Set(Key("courses", i, "fullname"), c.FullName)
		p.Set(Key("courses", i, "shortname"), c.ShortName)
		p.SetInt(Key("courses", i, "categoryid"), c.CategoryID)
		p.optString(Key("courses", i, "idnumber"), c.IDNumber)
		p.optString(Key("courses", i, "summary"), c.Summary)
		p.optInt(Key("courses", i, "startdate"), c.StartDate)
		p.optInt(Key("courses", i, "enddate"), c.EndDate)
		p.optInt(Key("courses", i, "visible"), c.Visible)
		p.optInt(Key("courses", i, "enablecompletion"), c.EnableCompletion)
	}
	var out []CreatedCourse
	err := s.client.do(ctx, call{fn: "core_course_create_courses", params: p, write: true}, &out)
	return out, err
}

// CourseUpdate is one course for core_course_update_courses: ID and the
// fields to change. Moodle validates dates only among the fields sent, so
// send StartDate with EndDate (course/lib.php update_course).
type CourseUpdate struct {
	ID         int64
	FullName   *string
	ShortName  *string
	CategoryID *int64
	IDNumber   *string
	StartDate  *int64
	EndDate    *int64
	Visible    *int64
}

// UpdateCourses calls core_course_update_courses (course/externallib.php
// update_courses). Each course is tried on its own; per-course failures
// come back as warnings (item "course", warningcode = the Moodle
// errorcode), not as the error.
func (s *CoursesService) UpdateCourses(ctx context.Context, courses []CourseUpdate) ([]Warning, error) {
	p := Params{}
	for i, c := range courses {
		p.SetInt(Key("courses", i, "id"), c.ID)
		p.optString(Key("courses", i, "fullname"), c.FullName)
		p.optString(Key("courses", i, "shortname"), c.ShortName)
		p.optInt(Key("courses", i, "categoryid"), c.CategoryID)
		p.optString(Key("courses", i, "idnumber"), c.IDNumber)
		p.optInt(Key("courses", i, "startdate"), c.StartDate)
		p.optInt(Key("courses", i, "enddate"), c.EndDate)
		p.optInt(Key("courses", i, "visible"), c.Visible)
	}
	var out struct {
		Warnings []Warning `json:"warnings"`
	}
	err := s.client.do(ctx, call{fn: "core_course_update_courses", params: p, write: true, idem: true}, &out)
	return out.Warnings, err
}
