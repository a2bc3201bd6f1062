package mapping

import (
	"cmp"
	"slices"
	"strings"
)

// OutcomeClass is how the write-back policy treats an AVETMISS outcome.
type OutcomeClass string

// Outcome classes.
const (
	// OutcomeFinalPositive: achieved (20, 51, 60, 81). Never downgraded.
	OutcomeFinalPositive OutcomeClass = "final_positive"
	// OutcomeFinalNegative: not achieved, withdrawn or closed (30, 40, 41,
	// 52, 61, 82). Never overwritten unless Policy.OverwriteNegative.
	OutcomeFinalNegative OutcomeClass = "final_negative"
	// OutcomeNonFinal: continuing or not yet started (70, 85).
	OutcomeNonFinal OutcomeClass = "non_final"
)

// OutcomeInfo describes one AVETMISS "Outcome identifier – national"
// (NAT00120) value.
type OutcomeInfo struct {
	Code    string       `json:"code"`
	Meaning string       `json:"meaning"`
	Class   OutcomeClass `json:"class"`
	// Automatic says a rule may produce this outcome from LMS evidence.
	// Withdrawal (40), RTO closure (41), credit transfer (60), superseded
	// (61) and not yet started (85) come from decisions and dates the LMS
	// does not hold, so rules may not produce them.
	Automatic bool `json:"automatic"`
}

// OutcomeTable is a versioned table of outcome codes. The policy reads
// classes from it rather than from constants, so a new NCVER edition is a
// new table, not a code change.
type OutcomeTable struct {
	Version  string        `json:"version"`
	Source   string        `json:"source"`
	Outcomes []OutcomeInfo `json:"outcomes"`
}

// AVETMISS23 is the national outcome table of the AVETMISS Data Element
// Definitions edition 2.3, as compiled in integration_anchors.md §4a (from
// local_rtocompliance, eSkilled, aXcelerate and VETtrak help pages). It has
// not been checked against the NCVER PDF; check before relying on it.
// State-specific and retired codes (25, 50, 53, 54, 65, 66, 71, 90) are not
// in it, so a current result carrying one is treated as unknown and sent to
// review.
func AVETMISS23() OutcomeTable {
	return OutcomeTable{
		Version: "avetmiss-ded-2.3",
		Source:  "AVETMISS Data Element Definitions 2.3, NAT00120 Outcome identifier – national (unverified compilation)",
		Outcomes: []OutcomeInfo{
			{"20", "Competency achieved/pass", OutcomeFinalPositive, true},
			{"30", "Competency not achieved/fail", OutcomeFinalNegative, true},
			{"40", "Withdrawn/discontinued", OutcomeFinalNegative, false},
			{"41", "Incomplete due to RTO closure", OutcomeFinalNegative, false},
			{"51", "Recognition of prior learning granted", OutcomeFinalPositive, true},
			{"52", "Recognition of prior learning not granted", OutcomeFinalNegative, true},
			{"60", "Credit transfer/national recognition", OutcomeFinalPositive, false},
			{"61", "Superseded subject", OutcomeFinalNegative, false},
			{"70", "Continuing activity", OutcomeNonFinal, true},
			{"81", "Non-assessable activity – satisfactorily completed", OutcomeFinalPositive, true},
			{"82", "Non-assessable activity – withdrawn or not satisfactorily completed", OutcomeFinalNegative, true},
			{"85", "Not yet started", OutcomeNonFinal, false},
		},
	}
}

// Lookup finds an outcome by code (surrounding space ignored; "020" is not
// "20").
func (t OutcomeTable) Lookup(code string) (OutcomeInfo, bool) {
	code = strings.TrimSpace(code)
	i := slices.IndexFunc(t.Outcomes, func(o OutcomeInfo) bool { return o.Code == code })
	if i < 0 {
		return OutcomeInfo{}, false
	}
	return t.Outcomes[i], true
}

// Codes lists the table's codes, sorted.
func (t OutcomeTable) Codes() []string {
	out := make([]string, 0, len(t.Outcomes))
	for _, o := range t.Outcomes {
		out = append(out, o.Code)
	}
	slices.SortFunc(out, cmp.Compare)
	return out
}
