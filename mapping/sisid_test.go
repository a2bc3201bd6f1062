package mapping

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultSISScheme(t *testing.T) {
	s := DefaultSISScheme()
	require.NoError(t, s.Validate())
	tests := []struct{ got, want string }{
		{s.User("00123"), "vt-u-00123"},
		{s.User(" 00123 "), "vt-u-00123"},
		{s.User("A-1%"), "vt-u-A%2D1%25"},
		{s.User("%\xae\xae\xae"), "vt-u-%25%AE%AE%AE"},
		{s.User("%\xa8\xa8\xa8"), "vt-u-%25%A8%A8%A8"},
		{s.User("\xff"), "vt-u-%FF"},
		{s.User("é-\xc3"), "vt-u-é%2D%C3"},
		{s.User(""), ""},
		{s.UnitCourse("bsbldr 501"), "vt-unit-BSBLDR501"},
		{s.SubjectCourse("IST101"), "vt-subj-IST101"},
		{s.ProgrammeCourse(42), "vt-prog-42"},
		{s.ProgrammeCourse(0), ""},
		{s.OccurrenceCourse(7), "vt-occ-7"},
		{s.OccurrenceCourse(0), ""},
		{s.OccurrenceSection("vt-unit-IST101", 7), "vt-unit-IST101-sec-7"},
		{s.OccurrenceSection("", 7), ""},
		{s.TrainerSection("vt-unit-IST101", "S-9"), "vt-unit-IST101-trn-S%2D9"},
		{s.TrainerSection("vt-unit-IST101", ""), ""},
		{s.OccurrenceGroup("IST101", 7), "IST101-grp-7"},
		{s.OccurrenceGroup("IST101", 0), ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.got)
	}
	bare := s
	bare.BareUserIDs = true
	assert.Equal(t, "00123", bare.User(" 00123"))
}

func TestSISSchemeValidate(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(s *SISScheme)
		field string
	}{
		{"no separator", func(s *SISScheme) { s.Separator = "" }, "SIS.Separator"},
		{"percent separator", func(s *SISScheme) { s.Separator = "%" }, "SIS.Separator"},
		{"tag holds separator", func(s *SISScheme) { s.UnitCourseTag = "u-c" }, "SIS.UnitCourseTag"},
		{"control character in prefix", func(s *SISScheme) { s.Prefix = "v\x00t" }, "SIS.Prefix"},
		{"course tags collide", func(s *SISScheme) { s.SubjectCourseTag = s.UnitCourseTag }, "SIS.SubjectCourseTag"},
		{"empty course tag", func(s *SISScheme) { s.OccurrenceCourseTag = "" }, "SIS.OccurrenceCourseTag"},
		{"section tags equal", func(s *SISScheme) { s.TrainerSectionTag = s.SectionTag }, "SIS.SectionTag"},
		{"no group tag", func(s *SISScheme) { s.GroupTag = "" }, "SIS.GroupTag"},
		{"users indistinguishable", func(s *SISScheme) { s.Prefix, s.UserTag = "", "" }, "SIS.UserTag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := DefaultSISScheme()
			tt.mod(&s)
			err := s.Validate()
			require.ErrorIs(t, err, ErrInvalidConfig)
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.field, ce.Field)
		})
	}
	s := DefaultSISScheme()
	s.Prefix, s.UserTag, s.BareUserIDs = "", "", true
	assert.NoError(t, s.Validate())
}

func TestCheckSISID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"vt-u-1", true},
		{"CS/101.11é", true},
		{strings.Repeat("é", 255), true},
		{"", false},
		{strings.Repeat("a", 256), false},
		{"a\nb", false},
		{"a\x00b", false},
		{"a\u200bb", false}, // zero-width space (format character)
		{"a\u202eb", false}, // right-to-left override
		{" a", false},
		{"a ", false},
		{"a\xffb", false},
		{"vt-u-%25\uFFFD\uFFFD\uFFFD", false}, // what "%\xae\xae\xae" and "%\xa8\xa8\xa8" both gave
		{"A\uFFFD", false},                    // windows-1252 0x81 and 0x8D both decode to this
	}
	for _, tt := range tests {
		err := CheckSISID(tt.id)
		if tt.ok {
			assert.NoError(t, err, "%q", tt.id)
		} else {
			assert.ErrorIs(t, err, ErrInvalidSISID, "%q", tt.id)
		}
	}
	err := CheckSISID(strings.Repeat("x", 300))
	assert.Less(t, len(err.Error()), 160, "long IDs are shortened in errors")
}

// FuzzSISScheme: the scheme never panics, gives an ID that is either empty
// or has the shape of its kind, and never gives two different client codes
// (or unit codes) the same ID.
func FuzzSISScheme(f *testing.F) {
	for _, seed := range [][2]string{{"%\xae\xae\xae", "%\xa8\xa8\xa8"}, {"00123", "00124"}, {"A-1", "A%2D1"}, {"a b", "a\tb"}, {"%", "%25"}, {"", " "}, {"x\x00", "x"}, {"IST101", "ist 101"}} {
		f.Add(seed[0], seed[1], int64(5))
	}
	s := DefaultSISScheme()
	f.Fuzz(func(t *testing.T, a, b string, occ int64) {
		ua, ub := s.User(a), s.User(b)
		if strings.TrimSpace(a) != strings.TrimSpace(b) && ua != "" {
			assert.NotEqual(t, ua, ub, "client codes %q and %q", a, b)
		}
		if ua != "" {
			// Injective by construction: percent-decoding the part gives
			// the code back.
			assert.Equal(t, strings.TrimSpace(a), percentDecode(t, strings.TrimPrefix(ua, "vt-u-")), "%q", ua)
			assert.True(t, strings.HasPrefix(ua, "vt-u-"))
			assert.Equal(t, 2, strings.Count(ua, "-"), "the separator inside a code is escaped: %q", ua)
		}
		ca, cb := s.UnitCourse(a), s.UnitCourse(b)
		if NormalizeUnitCode(a) != NormalizeUnitCode(b) && ca != "" {
			assert.NotEqual(t, ca, cb)
		}
		for _, id := range []string{ua, ca, s.OccurrenceSection(ca, occ), s.TrainerSection(ca, b), s.OccurrenceGroup(ca, occ), s.ProgrammeCourse(occ)} {
			_ = CheckSISID(id) // must not panic; errors are reported, not hidden
		}
		if err := CheckSISID(ua); err == nil {
			assert.LessOrEqual(t, len([]rune(ua)), MaxSISIDLength)
		}
	})
}

// percentDecode undoes SISScheme's escaping of one part.
func percentDecode(t *testing.T, s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		require.LessOrEqual(t, i+3, len(s), "truncated escape in %q", s)
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		require.NoError(t, err, "%q", s)
		b.WriteByte(byte(v))
		i += 2
	}
	return b.String()
}

// Issue 18 item 5: client codes that differ only in bytes that are not
// UTF-8 get different user SIS IDs, and the old, shared form is refused.
func TestSISIDsOfInvalidUTF8Codes(t *testing.T) {
	s := DefaultSISScheme()
	a, b := s.User("%\xae\xae\xae"), s.User("%\xa8\xa8\xa8")
	assert.NotEqual(t, a, b)
	for _, id := range []string{a, b} {
		assert.NoError(t, CheckSISID(id), "%q is usable", id)
	}
	assert.NotEqual(t, s.User("\xae"), s.User("%AE"), "an escaped byte never equals the literal text of its escape")
	assert.NotEqual(t, s.TrainerSection("c", "x\xae"), s.TrainerSection("c", "x\xa8"))
}
