package sync

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vtsync/vtsync/lms"
)

// declaredOpKinds parses the package's sources for every constant of type
// OpKind, so a kind added without a row fails TestEveryKindHasARow.
func declaredOpKinds(t *testing.T) []OpKind {
	t.Helper()
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var out []OpKind
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		require.NoError(t, err)
		f, err := parser.ParseFile(fset, name, src, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "OpKind" {
					continue
				}
				for _, v := range vs.Values {
					lit, ok := v.(*ast.BasicLit)
					require.True(t, ok, "%s: an OpKind constant is a string literal", name)
					s, err := strconv.Unquote(lit.Value)
					require.NoError(t, err)
					out = append(out, OpKind(s))
				}
			}
		}
	}
	return out
}

func TestEveryKindHasARow(t *testing.T) {
	declared := declaredOpKinds(t)
	require.Len(t, declared, 16, "the parser found the kinds")
	assert.ElementsMatch(t, declared, OpKinds(), "one row per declared kind, no row without a kind")
	assert.Equal(t, declared, OpKinds(), "the constants are listed in Apply's order, as the rows are")

	effects := map[effect]bool{effectCreate: true, effectUpdate: true, effectRemove: true,
		effectResult: true, effectComment: true, effectMark: true}
	objects := []ObjectKind{ObjectCourse, ObjectSection, ObjectGroup, ObjectUser, ObjectEnrolment, ObjectMembership}
	for i, k := range opKinds {
		t.Run(string(k.kind), func(t *testing.T) {
			assert.NotNil(t, k.payload, "payload")
			assert.NotNil(t, k.apply, "apply")
			assert.NotNil(t, k.deps, "deps")
			assert.NotNil(t, k.marks, "marks")
			assert.True(t, effects[k.effect], "effect: the counter it moves")
			if i > 0 {
				assert.GreaterOrEqual(t, k.phase, opKinds[i-1].phase, "rows are in phase order")
			}
			if k.vettrak {
				assert.Empty(t, k.object, "a VETtrak write changes no LMS object")
				assert.Nil(t, k.state, "VETtrak writes are re-checked on fresh reads, not fingerprints")
				assert.Equal(t, rereadNone, k.reread)
				assert.Contains(t, []effect{effectResult, effectComment, effectMark}, k.effect)
				return
			}
			assert.Contains(t, objects, k.object, "an LMS write names its object")
			assert.Contains(t, []effect{effectCreate, effectUpdate, effectRemove}, k.effect)
			assert.NotNil(t, k.state, "a saved plan's LMS op is checked for staleness")
			assert.NotEqual(t, rereadNone, k.reread)
			assert.Equal(t, k.effect == effectCreate && k.object != ObjectEnrolment && k.object != ObjectMembership, k.existing,
				"a create of an object with a SIS ID may find it there already")
			_, ok := bulkWriteOf(Op{Kind: k.kind})
			assert.True(t, ok)
			assert.Contains(t, []lms.BulkKind{lms.BulkCreateCourse, lms.BulkUpdateCourse, lms.BulkCreateSection,
				lms.BulkUpdateSection, lms.BulkCreateGroup, lms.BulkUpdateGroup, lms.BulkCreateUser, lms.BulkUpdateUser,
				lms.BulkEnrol, lms.BulkUnenrol, lms.BulkAddMember, lms.BulkRemoveMember}, lms.BulkKind(k.kind),
				"the LMS knows it as a bulk write of the same name")
		})
	}
}

// The destructive and mass kinds are the ones the holds count, and the
// only ones.
func TestHoldsCountByTable(t *testing.T) {
	var ops []Op
	for _, k := range OpKinds() {
		ops = append(ops, Op{Kind: k})
	}
	assert.Equal(t, map[HoldKind]int{HoldRemove: 2, HoldUpdate: 1}, holdCounts(ops))
	for _, k := range opKinds {
		switch k.kind {
		case OpUnenrol, OpRemoveMember:
			assert.Equal(t, HoldRemove, k.hold, k.kind)
			assert.Equal(t, effectRemove, k.effect, k.kind)
		case OpUpdateUser:
			assert.Equal(t, HoldUpdate, k.hold)
		default:
			assert.Empty(t, k.hold, k.kind)
		}
	}
}

// A succeeded op moves exactly its own counter: the one the JSON report
// has always shown for it.
func TestReportCountsByTable(t *testing.T) {
	want := map[OpKind]string{
		OpCreateCourse: "created.course", OpUpdateCourse: "updated.course",
		OpCreateSection: "created.section", OpUpdateSection: "updated.section",
		OpCreateGroup: "created.group", OpUpdateGroup: "updated.group",
		OpCreateUser: "created.user", OpUpdateUser: "updated.user",
		OpEnrol: "created.enrolment", OpUnenrol: "removed.enrolment",
		OpAddMember: "created.membership", OpRemoveMember: "removed.membership",
		OpWriteResult: "results_written", OpWriteComment: "comments_written",
		OpMarkEnrolment: "marked", OpMarkOccurrence: "marked",
	}
	for _, k := range opKinds {
		r := &Report{Created: map[ObjectKind]int{}, Updated: map[ObjectKind]int{}, Removed: map[ObjectKind]int{}}
		r.count(&k)
		var got []string
		for name, m := range map[string]map[ObjectKind]int{"created": r.Created, "updated": r.Updated, "removed": r.Removed} {
			for o, n := range m {
				require.Equal(t, 1, n)
				got = append(got, name+"."+string(o))
			}
		}
		for name, n := range map[string]int{"results_written": r.ResultsWritten, "comments_written": r.CommentsWritten, "marked": r.Marked} {
			if n > 0 {
				require.Equal(t, 1, n)
				got = append(got, name)
			}
		}
		assert.Equal(t, []string{want[k.kind]}, got, k.kind)
	}
}

func TestPhasesFollowTheTable(t *testing.T) {
	assert.Equal(t, [][]OpKind{
		{OpCreateCourse, OpUpdateCourse},
		{OpCreateSection, OpUpdateSection, OpCreateGroup, OpUpdateGroup, OpCreateUser, OpUpdateUser},
		{OpEnrol},
		{OpAddMember},
		{OpUnenrol, OpRemoveMember},
		{OpWriteResult, OpWriteComment},
		{OpMarkEnrolment},
		{OpMarkOccurrence},
	}, phases)
	assert.Equal(t, 2, bulkPhase)
	ops := []Op{{Kind: OpMarkOccurrence, Key: "b"}, {Kind: "newer_kind"}, {Kind: OpCreateCourse, Key: "z"}, {Kind: OpCreateCourse, Key: "a"}}
	sortOps(ops)
	assert.Equal(t, []string{"a", "z", "b", ""}, []string{ops[0].Key, ops[1].Key, ops[2].Key, ops[3].Key}, "unknown kinds sort last")
	assert.True(t, slices.IsSortedFunc(OpKinds(), func(a, b OpKind) int { return a.rank() - b.rank() }))
}
