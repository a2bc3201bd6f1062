package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
)

// stop ends a command that could not finish: the error goes to stderr and
// into the report, and its class decides the exit code.
func (a *app) stop(ctx context.Context, err error, o *outcome) int {
	code := a.fail(ctx, err)
	if o == nil {
		o = &outcome{}
	}
	o.ExitCode = code
	o.Error = a.secrets.String(err.Error())
	return a.finish(o)
}

func cmdCheck(ctx context.Context, a *app) int {
	if err := a.setup(false); err != nil {
		return a.stop(ctx, err, nil)
	}
	s, err := a.syncer(time.Now())
	if err != nil {
		return a.stop(ctx, err, nil)
	}
	rep, err := s.Check(ctx)
	a.console.endProgress()
	o := &outcome{Check: rep}
	if err != nil {
		o.ExitCode = exitCode(ctx, err)
		if o.ExitCode == exitFailures {
			// Check's errors are about reaching or logging in, except a
			// contract that differs (the report says what and how to map it).
			o.ExitCode = exitConnection
			if rep != nil && rep.VETtrakOK && rep.LMSOK && !rep.ContractOK {
				o.ExitCode = exitFailures
			}
		}
		o.Error = a.secrets.String(err.Error())
		if adv := a.advice(err); adv != "" {
			fmt.Fprintln(a.console, a.secrets.String(adv))
		}
	}
	if a.opts.format == "json" {
		a.printJSON(rep)
	} else if rep != nil {
		fmt.Fprintln(a.stdout, rep.String())
		if hint := wireNamesHint(rep); hint != "" {
			fmt.Fprintln(a.stdout, hint)
		}
		if o.ExitCode == exitOK {
			fmt.Fprintln(a.stdout, "Both connections work.")
		}
	}
	return a.finish(o)
}

func cmdPlan(ctx context.Context, a *app) int {
	a.readOnly = true
	if err := a.setup(true); err != nil {
		return a.stop(ctx, err, nil)
	}
	return a.planOnly(ctx)
}

// planOnly plans and shows the plan: `plan`, and `run --dry-run`.
func (a *app) planOnly(ctx context.Context) int {
	s, err := a.syncer(time.Now())
	if err != nil {
		return a.stop(ctx, err, nil)
	}
	p, err := s.Plan(ctx)
	if err != nil {
		return a.stop(ctx, err, nil)
	}
	a.console.endProgress()
	if a.opts.out != "" {
		if err := a.writePlan(p); err != nil {
			return a.stop(ctx, err, &outcome{Plan: summarise(p)})
		}
	}
	if a.opts.format == "json" {
		a.printJSON(p)
	} else {
		printPlan(a.stdout, p, a.opts.wide)
	}
	o := &outcome{Plan: summarise(p)}
	if len(p.Holds) > 0 && !a.opts.allowHolds {
		o.ExitCode = exitHeld
	}
	return a.finish(o)
}

// writePlan saves the plan for `vtsync apply --plan`.
func (a *app) writePlan(p *vtsync.Plan) error {
	b, err := p.JSON()
	if err != nil {
		return err
	}
	b = []byte(a.secrets.String(string(b)) + "\n")
	if err := os.WriteFile(a.opts.out, b, 0o600); err != nil {
		return fmt.Errorf("write plan: %w", err)
	}
	return nil
}

// maxPlanSize bounds a plan file: a large provider's first sync is a few
// tens of MiB of JSON.
const maxPlanSize = 512 << 20

// stalePlan is the age after which applying a saved plan earns a warning.
const stalePlan = 24 * time.Hour

func cmdApply(ctx context.Context, a *app) int {
	if a.opts.planFile == "" {
		return a.stop(ctx, &usageError{"--plan FILE is required: save one with `vtsync plan --out FILE` " +
			"(or use `vtsync run` to plan and apply in one go)"}, nil)
	}
	if err := a.load(); err != nil {
		return a.stop(ctx, err, nil)
	}
	p, err := a.readPlan()
	if err != nil {
		return a.stop(ctx, err, nil)
	}
	if p.Workflow != a.cfg.file.Workflow {
		return a.stop(ctx, &usageError{fmt.Sprintf("the plan is for the %s workflow but the config says %s", p.Workflow, a.cfg.file.Workflow)}, nil)
	}
	if age := time.Since(p.CreatedAt); age > stalePlan {
		a.log.Warn("the plan is old: VETtrak and the LMS may have changed since; consider planning again", "created_at", p.CreatedAt, "age", age.Round(time.Minute))
	}
	if a.opts.dryRun {
		if a.opts.format == "json" {
			a.printJSON(p)
		} else {
			printPlan(a.stdout, p, a.opts.wide)
		}
		o := &outcome{Plan: summarise(p)}
		if len(p.Holds) > 0 && !a.opts.allowHolds {
			o.ExitCode = exitHeld
		}
		return a.finish(o)
	}
	if err := a.connect(); err != nil {
		return a.stop(ctx, err, nil)
	}
	if err := a.openStore(); err != nil {
		return a.stop(ctx, err, nil)
	}
	s, err := a.syncer(time.Now())
	if err != nil {
		return a.stop(ctx, err, nil)
	}
	var opts []vtsync.ApplyOption
	if a.opts.allowHolds {
		opts = append(opts, vtsync.AllowHolds())
	}
	rep, err := s.Apply(ctx, p, opts...)
	return a.showRun(ctx, "apply", &outcome{Plan: summarise(p)}, rep, err)
}

// readPlan reads and decodes --plan.
func (a *app) readPlan() (*vtsync.Plan, error) {
	var r io.Reader
	if a.opts.planFile == "-" {
		r = os.Stdin
	} else {
		f, err := os.Open(a.opts.planFile)
		if err != nil {
			return nil, &usageError{fmt.Sprintf("read plan: %v", err)}
		}
		defer f.Close()
		r = f
	}
	raw, err := io.ReadAll(io.LimitReader(r, maxPlanSize+1))
	if err != nil {
		return nil, &usageError{fmt.Sprintf("read plan: %v", err)}
	}
	if len(raw) > maxPlanSize {
		return nil, &usageError{fmt.Sprintf("read plan: larger than %d bytes", maxPlanSize)}
	}
	var p vtsync.Plan
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, &usageError{fmt.Sprintf("read plan %s: not a vtsync plan: %v", a.opts.planFile, jsonError(raw, err))}
	}
	if p.Workflow == "" || p.CreatedAt.IsZero() {
		return nil, &usageError{fmt.Sprintf("read plan %s: not a vtsync plan (no workflow or created_at)", a.opts.planFile)}
	}
	for i, op := range p.Ops {
		if err := checkOp(op); err != nil {
			return nil, &usageError{fmt.Sprintf("read plan %s: operation %d (%s): %v", a.opts.planFile, i, op.Key, err)}
		}
	}
	return &p, nil
}

// checkOp refuses an operation without the payload its kind needs, so a
// hand-edited or truncated plan fails here, whole, rather than op by op.
func checkOp(op vtsync.Op) error {
	var ok bool
	switch op.Kind {
	case vtsync.OpCreateCourse, vtsync.OpUpdateCourse:
		ok = op.Course != nil
	case vtsync.OpCreateSection, vtsync.OpUpdateSection:
		ok = op.Section != nil
	case vtsync.OpCreateGroup, vtsync.OpUpdateGroup:
		ok = op.Group != nil
	case vtsync.OpCreateUser, vtsync.OpUpdateUser:
		ok = op.User != nil
	case vtsync.OpEnrol, vtsync.OpUnenrol:
		ok = op.Enrolment != nil
	case vtsync.OpAddMember, vtsync.OpRemoveMember:
		ok = op.Membership != nil
	case vtsync.OpWriteResult:
		ok = op.Result != nil
	case vtsync.OpWriteComment:
		ok = op.Comment != nil
	case vtsync.OpMarkEnrolment:
		ok = op.EnrolmentID != 0
	case vtsync.OpMarkOccurrence:
		ok = op.OccurrenceID != 0
	default:
		return fmt.Errorf("unknown kind %q", op.Kind)
	}
	if !ok || op.Key == "" {
		return errors.New("missing key or payload")
	}
	return nil
}

func cmdRun(ctx context.Context, a *app) int {
	a.readOnly = a.opts.dryRun
	if err := a.setup(true); err != nil {
		return a.stop(ctx, err, nil)
	}
	if a.opts.dryRun {
		return a.planOnly(ctx)
	}
	s, err := a.syncer(time.Now())
	if err != nil {
		return a.stop(ctx, err, nil)
	}
	rep, err := s.Run(ctx)
	return a.showRun(ctx, "run", &outcome{}, rep, err)
}

// showRun prints a finished (or stopped) run and returns its exit code.
func (a *app) showRun(ctx context.Context, what string, o *outcome, rep *vtsync.Report, err error) int {
	a.console.endProgress()
	o.Report = rep
	if rep != nil && (err == nil || errors.Is(err, vtsync.ErrHold) || ctx.Err() != nil) {
		if a.opts.format == "json" {
			a.printJSON(rep)
		} else {
			printRunReport(a.stdout, what, rep)
		}
	}
	if err != nil {
		return a.stop(ctx, err, o)
	}
	o.ExitCode = reportExitCode(rep)
	return a.finish(o)
}

func cmdResults(ctx context.Context, a *app) int {
	a.readOnly = a.opts.dryRun
	if err := a.setup(true); err != nil {
		return a.stop(ctx, err, nil)
	}
	a.cfg.forceResults = true
	s, err := a.syncer(time.Now())
	if err != nil {
		return a.stop(ctx, err, nil)
	}
	if !a.opts.dryRun {
		rep, err := s.ReportResults(ctx)
		return a.showRun(ctx, "results", &outcome{}, rep, err)
	}
	p, err := s.Plan(ctx)
	if err != nil {
		return a.stop(ctx, err, nil)
	}
	a.console.endProgress()
	// The preview is the result part of a full plan.
	kept := p.Ops[:0:0]
	for _, op := range p.Ops {
		if op.Kind == vtsync.OpWriteResult || op.Kind == vtsync.OpWriteComment {
			kept = append(kept, op)
		}
	}
	preview := *p
	preview.Ops = kept
	preview.Holds = nil
	if a.opts.format == "json" {
		a.printJSON(resultPreview{Writes: kept, Conflicts: orEmpty(p.Conflicts)})
	} else {
		printPlan(a.stdout, &preview, a.opts.wide)
	}
	return a.finish(&outcome{Plan: summarise(&preview)})
}

// resultPreview is `results --dry-run --format json`: the VETtrak writes
// a results run would make, and the conflicts left for review.
type resultPreview struct {
	Writes    []vtsync.Op        `json:"writes"`
	Conflicts []mapping.Conflict `json:"conflicts"`
}
