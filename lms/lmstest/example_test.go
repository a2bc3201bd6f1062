package lmstest_test

import (
	"fmt"
	"net/url"

	"github.com/vtsync/vtsync/lms/lmstest"
)

// An implementation on a REST LMS must escape SIS IDs in paths; Canvas
// wants "CS/101.11é" sent as "CS%2F101.11%C3%A9" (its docs also escape the
// dot, which url.PathEscape leaves, and both forms decode the same).
func ExampleHostileSISIDs() {
	for _, id := range lmstest.HostileSISIDs()[:6] {
		fmt.Printf("%-16q /courses/sis_course_id:%s\n", id, url.PathEscape(id))
	}
	// Output:
	// "unit/BSBLDR501/2026" /courses/sis_course_id:unit%2FBSBLDR501%2F2026
	// "occ.2026.T1"    /courses/sis_course_id:occ.2026.T1
	// ".."             /courses/sis_course_id:..
	// "100%25done%"    /courses/sis_course_id:100%2525done%25
	// "Term 1 2026"    /courses/sis_course_id:Term%201%202026
	// "Zoë-Ñandú-日本"   /courses/sis_course_id:Zo%C3%AB-%C3%91and%C3%BA-%E6%97%A5%E6%9C%AC
}
