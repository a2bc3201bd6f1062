package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/vtsync/vtsync/mapping"
)

// Work is what happens in one Canvas course after the sync: a teacher sets
// assessments, learners hand work in, and it is graded.
type Work struct {
	CourseSISID string
	Assessments []Assessment
	Grades      []Grade
}

// Assessment is a points-graded assignment a teacher sets.
type Assessment struct {
	Title  string
	Points float64
}

// Grade is one learner's graded submission.
type Grade struct {
	ClientCode string // the learner's VETtrak client code
	Name       string // for the printout
	Title      string // the assessment's title
	Score      float64
	At         time.Time
}

// DoWork sets the assessments and grades in Canvas, and prints each grade.
// It returns the assessments' Canvas IDs by title.
func (c *Canvas) DoWork(ctx context.Context, p *Printer, works ...Work) (map[string]string, error) {
	ids := map[string]string{}
	points := map[string]float64{}
	var rows [][]string
	for _, w := range works {
		for _, a := range w.Assessments {
			id, err := c.AddAssessment(ctx, w.CourseSISID, a.Title, a.Points)
			if err != nil {
				return nil, err
			}
			ids[a.Title], points[a.Title] = id, a.Points
		}
		for _, g := range w.Grades {
			id, ok := ids[g.Title]
			if !ok {
				return nil, fmt.Errorf("grade for unknown assessment %q", g.Title)
			}
			if err := c.Grade(ctx, id, mapping.DefaultSISScheme().User(g.ClientCode), g.Score, g.At); err != nil {
				return nil, err
			}
			verdict := "pass"
			if g.Score < points[g.Title]/2 {
				verdict = "FAIL"
			}
			rows = append(rows, []string{w.CourseSISID, g.Title, g.Name, fmt.Sprintf("%g/%g", g.Score, points[g.Title]), verdict, Date(g.At)})
		}
	}
	p.Table([]string{"COURSE", "ASSESSMENT", "LEARNER", "SCORE", "", "GRADED"}, rows)
	return ids, nil
}
