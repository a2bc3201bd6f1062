// Package demo holds what the example programs share: starting the fake
// VETtrak, the LMS side a person would use by hand (making a course,
// grading work), and printing plans, reports, LMS state and VETtrak
// results as short tables.
//
// It is internal to the examples on purpose: it prints for people, not for
// programs, and its output may change with the examples. Copy what you
// need from it into your own tool.
package demo
