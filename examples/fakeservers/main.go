// Command fakeservers runs the fake VETtrak (VT_API SOAP) and the fake
// Canvas (REST) on local ports, seeded, until Ctrl-C or SIGTERM, so any
// tool (the vtsync CLI, SoapUI, curl, your own LMS backend) can be pointed
// at them:
//
//	go run ./examples/fakeservers
//	go run ./examples/fakeservers -seed generated -learners 2000 -occurrences 40
//
// It prints both URLs with the VETtrak API login and a Canvas admin token,
// and `export` lines, quoted for the shell, to paste where vtsync runs.
// These are the fakes' own, made up for the session; never put real
// credentials in a demo. -state FILE keeps the Canvas token (and a
// console token for `vtsync serve`) across restarts; -learner-work plays
// the learners, completing every other enrolled student's course, so
// result write-back has something to write.
//
// With -seed walkthrough (the default) VETtrak holds the documented
// walkthrough (unit IST101; Term 1: John, Julie; Term 2: Bob, Barbara).
// With -seed generated it holds a deterministic synthetic provider sized
// by the flags. Unless -canvas-courses=false, Canvas holds one course per
// VETtrak unit, made "by hand" (a course code, no SIS ID, four modules),
// which is what the LMS-pulls (Occurrence-groups) workflow expects to find.
//
// To adapt it, build your own vettraktest.Dataset (AddProgramme, AddUnit,
// AddOccurrence, AddEnrolment, ...) and seed Canvas with the canvastest
// Seed… methods before serving.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/vtsync/vtsync/canvas/canvastest"
	"github.com/vtsync/vtsync/examples/internal/demo"
	"github.com/vtsync/vtsync/vettrak/vettraktest"
)

func main() { demo.Main("fakeservers", run) }

// options are the command's flags.
type options struct {
	host                    string
	vettrakPort, canvasPort int
	seed                    string
	spec                    vettraktest.GenSpec
	canvasCourses           bool
	modules                 int
	throttle                bool
	latency                 time.Duration
	shutdownTimeout         time.Duration
	stateFile               string
	learnerWork             bool
	workEvery               time.Duration
	// onReady is called once both fakes listen, with the fakes and their
	// URLs (tests use it).
	onReady func(vt *vettraktest.Server, vtURL string, cv *canvastest.Server, cvURL string)
}

func parse(args []string, out io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("fakeservers", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.host, "host", "127.0.0.1", "address to listen on (0.0.0.0 exposes the fakes to your network)")
	fs.IntVar(&o.vettrakPort, "vettrak-port", 8081, "port of the fake VETtrak (0 picks a free one)")
	fs.IntVar(&o.canvasPort, "canvas-port", 8082, "port of the fake Canvas (0 picks a free one)")
	fs.StringVar(&o.seed, "seed", "walkthrough", "VETtrak data: walkthrough or generated")
	var genSeed uint64
	fs.Uint64Var(&genSeed, "gen-seed", 1, "random seed of -seed generated (the same seed gives the same data)")
	fs.IntVar(&o.spec.Occurrences, "occurrences", 10, "generated: occurrences")
	fs.IntVar(&o.spec.Units, "units", 5, "generated: distinct units")
	fs.IntVar(&o.spec.Learners, "learners", 100, "generated: learners, one enrolment each")
	fs.IntVar(&o.spec.EnrolledUnits, "enrolled-units", 0, "generated: enrolled units over all enrolments (0: two per learner)")
	fs.IntVar(&o.spec.Staff, "staff", 4, "generated: staff members")
	fs.BoolVar(&o.canvasCourses, "canvas-courses", true, "make a Canvas course by hand for every VETtrak unit")
	fs.IntVar(&o.modules, "modules", 4, "module requirements of those courses (progress for course completion)")
	fs.BoolVar(&o.throttle, "throttle", false, "turn on Canvas's leaky-bucket throttle (hosted Canvas's numbers)")
	fs.DurationVar(&o.latency, "latency", 0, "delay every answer of both fakes by this much, like a real network")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", 5*time.Second, "how long to let requests finish on Ctrl-C")
	fs.StringVar(&o.stateFile, "state", "", "keep the Canvas token (and a console token) in this `file`, so the export lines stay valid across restarts")
	fs.BoolVar(&o.learnerWork, "learner-work", false, "play the learners: complete every other student's modules (with a final score) once vtsync has enrolled them, so results have writes")
	fs.DurationVar(&o.workEvery, "learner-work-every", time.Second, "how often -learner-work looks for new students")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	o.spec.Seed = genSeed
	if o.spec.EnrolledUnits == 0 {
		o.spec.EnrolledUnits = 2 * o.spec.Learners
	}
	switch {
	case o.seed != "walkthrough" && o.seed != "generated":
		return nil, fmt.Errorf("-seed %q: want walkthrough or generated", o.seed)
	case o.vettrakPort < 0 || o.vettrakPort > 65535 || o.canvasPort < 0 || o.canvasPort > 65535:
		return nil, errors.New("ports must be within 0..65535")
	case o.modules < 0:
		return nil, errors.New("-modules must not be negative")
	}
	return o, nil
}

func run(ctx context.Context, w io.Writer, args []string) error {
	o, err := parse(args, w)
	if err != nil {
		return err
	}
	return serve(ctx, w, o)
}

// dataset builds the VETtrak data the flags ask for.
func dataset(o *options) (*vettraktest.Dataset, error) {
	if o.seed == "walkthrough" {
		return vettraktest.SeedWalkthrough(), nil
	}
	d, err := vettraktest.Generate(o.spec)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	return d, nil
}

// unitCodes lists every unit the dataset's occurrences run, sorted.
func unitCodes(d *vettraktest.Dataset) []string {
	seen := map[string]string{}
	for _, id := range d.Occurrences() {
		o, _ := d.Occurrence(id)
		for _, u := range o.Units {
			seen[u.Code] = u.Name
		}
	}
	codes := make([]string, 0, len(seen))
	for c := range seen {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

func serve(ctx context.Context, w io.Writer, o *options) error {
	data, err := dataset(o)
	if err != nil {
		return err
	}
	var vtOpts []vettraktest.Option
	canvasOpts := []canvastest.Option{}
	if o.latency > 0 {
		vtOpts = append(vtOpts, vettraktest.WithLatency(o.latency))
		canvasOpts = append(canvasOpts, canvastest.WithLatency(o.latency))
	}
	if o.throttle {
		canvasOpts = append(canvasOpts, canvastest.WithThrottle(canvastest.CanvasThrottle()))
	}
	vt, vtHandler := vettraktest.Handler(append(vtOpts, vettraktest.WithDataset(data))...)
	cv := canvastest.New(canvasOpts...)
	token := cv.AdminToken()
	cvHandler := cv.Handler()
	consoleToken := randomHex(24)
	if o.stateFile != "" {
		st, err := loadState(o.stateFile)
		if err != nil {
			return err
		}
		cvHandler = aliasToken(cvHandler, st.CanvasToken, token)
		token, consoleToken = st.CanvasToken, st.ConsoleToken
	}
	if o.canvasCourses {
		for _, code := range unitCodes(data) {
			id := cv.SeedCourse(canvastest.Course{Name: unitName(data, code), CourseCode: code})
			if o.modules > 0 {
				cv.SetModuleRequirements(id, o.modules)
			}
		}
	}

	vtLn, err := net.Listen("tcp", net.JoinHostPort(o.host, fmt.Sprint(o.vettrakPort)))
	if err != nil {
		return fmt.Errorf("fake VETtrak: %w", err)
	}
	cvLn, err := net.Listen("tcp", net.JoinHostPort(o.host, fmt.Sprint(o.canvasPort)))
	if err != nil {
		vtLn.Close()
		return fmt.Errorf("fake Canvas: %w", err)
	}
	vtURL := "http://" + vtLn.Addr().String() + vettraktest.Path
	cvURL := "http://" + cvLn.Addr().String()

	servers := []*http.Server{
		{Handler: vtHandler, ReadHeaderTimeout: 10 * time.Second},
		{Handler: cvHandler, ReadHeaderTimeout: 10 * time.Second},
	}
	errc := make(chan error, 2)
	for i, ln := range []net.Listener{vtLn, cvLn} {
		go func() { errc <- servers[i].Serve(ln) }()
	}

	creds := vt.Credentials()
	c := data.Counts()
	fmt.Fprintf(w, "Fake VETtrak (VT_API SOAP), seeded %q: %d occurrences, %d units, %d clients, %d enrolments\n",
		o.seed, c.Occurrences, c.Units, c.Clients, c.Enrolments)
	fmt.Fprintf(w, "  URL       %s\n", vtURL)
	fmt.Fprintf(w, "  WSDL      %s?WSDL\n", vtURL)
	fmt.Fprintf(w, "  username  %s\n", creds.Username)
	fmt.Fprintf(w, "  password  %s    (it holds & < > \" ' on purpose, to test escaping)\n", creds.Password)
	fmt.Fprintf(w, "Fake Canvas (REST), %s made by hand\n", courses(len(cv.Courses())))
	fmt.Fprintf(w, "  URL       %s\n", cvURL)
	fmt.Fprintf(w, "  token     %s\n", token)
	fmt.Fprintf(w, "  try       curl -H 'Authorization: Bearer %s' %s/api/v1/accounts/1/courses\n", token, cvURL)
	fmt.Fprintln(w, "\nFor vtsync (examples/vtsync/vtsync.example.json), paste into another shell:")
	fmt.Fprintf(w, "  export VTSYNC_VETTRAK_PASSWORD=%s\n", shellQuote(creds.Password))
	fmt.Fprintf(w, "  export VTSYNC_CANVAS_TOKEN=%s\n", shellQuote(token))
	fmt.Fprintf(w, "  export VTSYNC_CONSOLE_TOKEN=%s\n", shellQuote(consoleToken))
	if o.stateFile == "" {
		fmt.Fprintln(w, "(Canvas makes a new token each start; -state FILE keeps these across restarts.)")
	}
	if o.learnerWork {
		fmt.Fprintln(w, "Learner work: every other student vtsync enrols completes the course (score 85).")
		go seedLearnerWork(ctx, cv, o.workEvery)
	}
	fmt.Fprintln(w, "The credentials above are the fakes' own. Press Ctrl-C to stop.")
	if o.onReady != nil {
		o.onReady(vt, vtURL, cv, cvURL)
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), o.shutdownTimeout)
	defer cancel()
	var errs []error
	for _, s := range servers {
		if err := s.Shutdown(shutCtx); err != nil {
			errs = append(errs, err)
		}
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		errs = append(errs, serveErr)
	}
	if len(errs) == 0 {
		fmt.Fprintln(w, "Stopped.")
	}
	return errors.Join(errs...)
}

func unitName(d *vettraktest.Dataset, code string) string {
	for _, id := range d.Occurrences() {
		o, _ := d.Occurrence(id)
		for _, u := range o.Units {
			if u.Code == code && u.Name != "" {
				return u.Name
			}
		}
	}
	return code
}

func courses(n int) string {
	if n == 1 {
		return "1 course"
	}
	return fmt.Sprintf("%d courses", n)
}
