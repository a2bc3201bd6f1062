package demo

import (
	"fmt"
	"strings"

	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
)

// workflowText says in words what each workflow makes of VETtrak records.
var workflowText = map[mapping.Workflow]string{
	mapping.WorkflowUnit:             "each unit is a Canvas course; trainers are sections; assessors teach the whole course",
	mapping.WorkflowModule:           "each programme is one Canvas course; each occurrence a section; assessments name their units in brackets",
	mapping.WorkflowSubject:          "each subject (unit of study) is a Canvas course; each occurrence a section",
	mapping.WorkflowCourse:           "each occurrence is one Canvas course, with its dates",
	mapping.WorkflowOccurrenceGroups: "existing Canvas courses whose code is a unit's code; each occurrence is a group in them",
}

// Config prints the parts of a configuration that shape what the sync
// makes, as a key/value table.
func (p *Printer) Config(cfg vtsync.Config) {
	m := cfg.Mapping
	sis := placeholders{m.SIS}
	rows := [][]string{{"workflow", fmt.Sprintf("%s: %s", m.Workflow, workflowText[m.Workflow])}}
	switch m.Workflow {
	case mapping.WorkflowUnit:
		rows = append(rows, []string{"course SIS IDs", sis.UnitCourse("<unit code>") + " (or an LMS course whose code is the unit's)"})
		if m.Sections == mapping.SectionPerTrainer {
			rows = append(rows, []string{"sections", "one per trainer: " + sis.TrainerSection("<course>", "<staff code>")})
		} else {
			rows = append(rows, []string{"sections", "one per occurrence: " + sis.OccurrenceSection("<course>", "<occurrence ID>")})
		}
	case mapping.WorkflowModule:
		rows = append(rows,
			[]string{"course SIS IDs", sis.ProgrammeCourse("<programme ID>")},
			[]string{"sections", "one per occurrence: " + sis.OccurrenceSection("<course>", "<occurrence ID>")})
	case mapping.WorkflowSubject:
		rows = append(rows,
			[]string{"course SIS IDs", sis.SubjectCourse("<subject code>")},
			[]string{"sections", "one per occurrence: " + sis.OccurrenceSection("<course>", "<occurrence ID>")})
	case mapping.WorkflowCourse:
		rows = append(rows, []string{"course SIS IDs", sis.OccurrenceCourse("<occurrence ID>")})
	case mapping.WorkflowOccurrenceGroups:
		rows = append(rows,
			[]string{"courses", "found by course code; adopted with SIS ID " + sis.UnitCourse("<unit code>")},
			[]string{"groups", "one per occurrence in each course: " + sis.OccurrenceGroup("<course>", "<occurrence ID>")})
	}
	rows = append(rows,
		[]string{"user SIS IDs", sis.User("<client code>")},
		[]string{"create courses", yesNo(m.CreateMissingCourses || m.Workflow != mapping.WorkflowUnit && m.Workflow != mapping.WorkflowOccurrenceGroups)},
		[]string{"staff roles", fmt.Sprintf("%s → %s; %s → %s", strings.Join(m.Staff.Trainer, "/"), m.Staff.TrainerRole,
			strings.Join(m.Staff.Assessor, "/"), m.Staff.AssessorRole)},
		[]string{"logins", joinLogins(m.Login)},
		[]string{"withdrawn", fmt.Sprintf("enrolments go %s (deleted records: %s)", m.WithdrawnStatus, m.DeletedStatus)},
	)
	if m.TimeZone != "" {
		rows = append(rows, []string{"new users' zone", m.TimeZone})
	}
	for i, r := range cfg.Results.Rules.Rules {
		label := ""
		if i == 0 {
			label = "result rules"
		}
		rows = append(rows, []string{label, fmt.Sprintf("%s: %s → %s (%s)", r.Ref(), r.When, r.ResultName, r.Outcome)})
	}
	for _, sr := range cfg.Results.Scoped {
		rows = append(rows, []string{"scope " + sr.ID, scopeText(sr)})
	}
	rows = append(rows, []string{"commencement", string(cmpStr(string(cfg.Results.Commencement), "off"))})
	if v := cfg.Safety.MaxRemoveShare; v != nil {
		rows = append(rows, []string{"safety", fmt.Sprintf("hold a plan removing over %.0f%% of enrolments", 100**v)})
	}
	p.Table([]string{"SETTING", "VALUE"}, rows)
}

// scopeText says what a result-rule scope covers and what it changes.
func scopeText(sr mapping.ScopedRules) string {
	var what []string
	for _, r := range sr.Rules {
		what = append(what, fmt.Sprintf("%s: %s → %s (%s)", r.Ref(), r.When, r.ResultName, r.Outcome))
	}
	if sr.PassPercent != nil {
		what = append(what, fmt.Sprintf("pass mark %g%%", *sr.PassPercent))
	}
	if sr.PassGrades != nil {
		what = append(what, "pass grades "+strings.Join(sr.PassGrades, "/"))
	}
	return sr.Match.String() + ": " + strings.Join(what, "; ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func cmpStr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func joinLogins(ls []mapping.LoginSource) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = string(l)
	}
	return strings.Join(parts, ", then ")
}

// placeholders renders the SIS scheme's patterns with named placeholders
// ("vt-prog-<programme ID>"): it derives an ID from a sample value and puts
// the placeholder where the sample landed, so the pattern always matches
// the scheme, escaping and normalising included.
type placeholders struct{ s mapping.SISScheme }

const (
	sampleNum  = 987654321
	sampleText = "QQSAMPLEQQ"
)

func (p placeholders) fill(id, sample, name string) string {
	return strings.ReplaceAll(id, sample, name)
}

func (p placeholders) UnitCourse(name string) string {
	return p.fill(p.s.UnitCourse(sampleText), sampleText, name)
}

func (p placeholders) SubjectCourse(name string) string {
	return p.fill(p.s.SubjectCourse(sampleText), sampleText, name)
}

func (p placeholders) User(name string) string { return p.fill(p.s.User(sampleText), sampleText, name) }

func (p placeholders) ProgrammeCourse(name string) string {
	return p.fill(p.s.ProgrammeCourse(sampleNum), fmt.Sprint(sampleNum), name)
}

func (p placeholders) OccurrenceCourse(name string) string {
	return p.fill(p.s.OccurrenceCourse(sampleNum), fmt.Sprint(sampleNum), name)
}

func (p placeholders) OccurrenceSection(course, name string) string {
	return p.fill(p.fill(p.s.OccurrenceSection(sampleText, sampleNum), fmt.Sprint(sampleNum), name), sampleText, course)
}

func (p placeholders) OccurrenceGroup(course, name string) string {
	return p.fill(p.fill(p.s.OccurrenceGroup(sampleText, sampleNum), fmt.Sprint(sampleNum), name), sampleText, course)
}

func (p placeholders) TrainerSection(course, name string) string {
	return p.fill(p.fill(p.s.TrainerSection(sampleText, "QQSTAFFQQ"), "QQSTAFFQQ", name), sampleText, course)
}
