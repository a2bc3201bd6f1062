package sync

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/vtsync/vtsync/mapping"
	"github.com/vtsync/vtsync/vettrak"
)

// checkRules fills the report's result-rules part: every rule (provider
// wide and scoped) is checked against VETtrak's result types, and every
// scope against the occurrences in scope (mapping.CheckRules), before any
// result is written. A rule whose result type is missing, inactive or of
// another outcome fails the check; a scope naming nothing VETtrak returned
// is a warning (the scope window may not reach it).
func (s *Syncer) checkRules(ctx context.Context, rep *CheckReport) error {
	rep.RulesOK = true
	if s.cfg.SkipResults {
		return nil
	}
	types, err := s.src.ResultTypes(ctx)
	if err != nil {
		rep.Rules = "Result rules: not checked: could not read VETtrak's result types: " + s.secrets.String(err.Error())
		return nil // the connection test above says why
	}
	var snap mapping.Snapshot
	if sc := s.cfg.Scope; len(s.cfg.Results.Scoped) > 0 && (!sc.From.IsZero() || !sc.To.IsZero()) {
		occs, err := s.src.SearchOccurrences(ctx, vettrak.OccurrenceQuery{
			ProgrammeID: sc.ProgrammeID, Start: sc.From, End: sc.To, LocationCode: sc.LocationCode, IncludeUnits: true,
		})
		if err != nil {
			rep.Rules = "Result rules: scopes not checked: could not read occurrences: " + s.secrets.String(err.Error())
			return nil
		}
		snap.Occurrences = occs
	}
	ds := mapping.CheckRules(s.cfg.Results, types, snap)
	if len(ds) == 0 {
		rep.Rules = fmt.Sprintf("Result rules: %d provider-wide rule(s) and %d scope(s) match VETtrak's result types.",
			len(s.cfg.Results.Rules.Rules), len(s.cfg.Results.Scoped))
		return nil
	}
	lines := make([]string, 0, len(ds)+1)
	lines = append(lines, "Result rules:")
	for _, d := range ds {
		lines = append(lines, "  "+s.secrets.String(d.String()))
	}
	rep.Rules = strings.Join(lines, "\n")
	if mapping.HasErrors(ds) {
		rep.RulesOK = false
		return configError(errors.New("result rules do not match VETtrak (see the check report)"))
	}
	return nil
}
