package mapping

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/vtsync/vtsync/lms"
)

func TestParseUnitCodes(t *testing.T) {
	tests := []struct {
		title string
		want  []string
	}{
		{"Written Assessment (BSBLDR501)", []string{"BSBLDR501"}},
		{"Project (BSBLDR501, BSBOPS501)", []string{"BSBLDR501", "BSBOPS501"}},
		{"Project (BSBLDR501 & BSBOPS501) [BSBWHS411]", []string{"BSBLDR501", "BSBOPS501", "BSBWHS411"}},
		{"Project (BSBLDR501 and bsbops501)", []string{"BSBLDR501", "BSBOPS501"}},
		{"Project (BSBLDR501/BSBOPS501; BSBWHS411 | BSBCRT511 + BSBPEF501)", []string{"BSBLDR501", "BSBOPS501", "BSBWHS411", "BSBCRT511", "BSBPEF501"}},
		{"Project (BSBLDR501 BSBOPS501)", []string{"BSBLDR501", "BSBOPS501"}},
		{"quiz ( bsbldr501 )", []string{"BSBLDR501"}},
		{"Quiz (BSB LDR 501)", []string{"BSBLDR501"}},
		{"Case study (Part 2)", nil},
		{"Case study (Part 2) (BSBLDR501)", []string{"BSBLDR501"}},
		{"Case study (Part 2 (BSBLDR501))", []string{"BSBLDR501"}},
		{"(Draft) Essay", nil},
		{"Essay BSBLDR501", nil},
		{"(BSBLDR501) (BSBLDR501) (bsbldr501)", []string{"BSBLDR501"}},
		{"Codes (VU21234, 22334VIC, CPCCWHS1001, IST101)", []string{"VU21234", "22334VIC", "CPCCWHS1001", "IST101"}},
		{"Too long (ABCDEFGHIJ12345)", nil},
		{"Unclosed (BSBLDR501", nil},
		{"Stray ) (BSBLDR501", nil},
		{"", nil},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ParseUnitCodes(tt.title), tt.title)
	}
}

func TestNormalizeUnitCode(t *testing.T) {
	assert.Equal(t, "BSBLDR501", NormalizeUnitCode(" bsb ldr\t501\n"))
	assert.Equal(t, "", NormalizeUnitCode("  "))
}

// FuzzParseUnitCodes: any title parses without panicking into unique,
// normalised, code-shaped codes, and writing them back into a bracket
// gives the same codes.
func FuzzParseUnitCodes(f *testing.F) {
	for _, s := range []string{"Written Assessment (BSBLDR501)", "(a, b) [c and d]", "((((", "(Part 2)", "(\xff\xfe)", "(BSB LDR 501 and vu21234)", "[ist101]]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		codes := ParseUnitCodes(title)
		seen := map[string]bool{}
		for _, c := range codes {
			assert.True(t, isUnitCodeShape(c), "%q from %q", c, title)
			assert.Equal(t, NormalizeUnitCode(c), c)
			assert.False(t, seen[c], "repeat %q", c)
			seen[c] = true
		}
		if len(codes) > 0 {
			assert.Equal(t, codes, ParseUnitCodes("Title ("+strings.Join(codes, ", ")+")"))
		}
	})
}

func TestLint(t *testing.T) {
	units := []string{"BSBLDR501", "BSBOPS501", "BSBWHS411", "bsbwhs 411"}
	as := []lms.Assessment{
		{ID: "1", Title: "Written Assessment (BSBLDR501)"},
		{ID: "2", Title: "Role play (bsbldr501)"},
		{ID: "3", Title: "Project (BSBLDR501, BSBOPS501)"},
		{ID: "4", Title: "Welcome quiz"},
		{ID: "5", Title: "Old unit (BSBMGT517)"},
		{ID: "6", Title: "Renamed report"},
		{ID: "7", Title: "Essay (BSBOPS501)"},
		{ID: "8", Title: "Bound wrong"},
		{ID: "9", Title: "Week notes (Week 101)"},
	}
	r := Lint("vt-prog-7", units, as, map[string]string{"6": "BSBOPS501", "7": "BSBLDR501", "8": "NOPE999"})
	assert.Equal(t, []string{"BSBLDR501", "BSBOPS501", "BSBWHS411"}, r.Units)
	assert.Equal(t, []string{"BSBLDR501"}, r.UnitsOf("1"))
	assert.Equal(t, []string{"BSBLDR501"}, r.UnitsOf("2"))
	assert.Equal(t, []string{"BSBLDR501", "BSBOPS501"}, r.UnitsOf("3"))
	assert.Nil(t, r.UnitsOf("4"))
	assert.Nil(t, r.UnitsOf("5"))
	assert.Equal(t, []string{"BSBOPS501"}, r.UnitsOf("6"))
	assert.Equal(t, []string{"BSBLDR501"}, r.UnitsOf("7"), "binding overrides the title")
	assert.Nil(t, r.UnitsOf("8"))
	assert.Nil(t, r.UnitsOf("missing"))

	type f struct {
		kind LintKind
		a, u string
	}
	var got []f
	for _, x := range r.Findings {
		got = append(got, f{x.Kind, x.AssessmentID, x.UnitCode})
		assert.NotEmpty(t, x.Message)
	}
	assert.Equal(t, []f{
		{LintBindingOverride, "7", ""},
		{LintDuplicateCode, "", "BSBWHS411"},
		{LintMultiUnit, "3", ""},
		{LintNoUnit, "4", ""},
		{LintNoUnit, "5", ""},
		{LintNoUnit, "8", ""},
		{LintNoUnit, "9", ""},
		{LintUnitNoAssessment, "", "BSBWHS411"},
		{LintUnknownBinding, "8", "NOPE999"},
		{LintUnknownCode, "5", "BSBMGT517"},
	}, got)
}

func TestLintSingleUnitCourse(t *testing.T) {
	r := Lint("vt-unit-IST101", []string{"IST101"}, []lms.Assessment{
		{ID: "b", Title: "Quiz"}, {ID: "a", Title: "Test (IST102)"}, {ID: "a", Title: "Test (IST102)"},
	}, nil)
	assert.Equal(t, []string{"IST101"}, r.UnitsOf("b"))
	assert.Equal(t, BoundSingleUnit, r.Bindings[1].Source)
	assert.Nil(t, r.UnitsOf("a"), "a title naming another unit is not bound to the course's unit")
	assert.Len(t, r.Bindings, 2, "duplicate assessments collapse")
}
