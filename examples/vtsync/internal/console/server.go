// Package console is vtsync's web console: a small server-rendered site
// (html/template, embedded stylesheet, no script) for the people who look
// after a sync. It shows the connection check, the last runs and what they
// changed per course, failures with their cause and next retry, the
// result conflicts waiting for review, held plans, a dry-run preview on
// demand, and a chart of API calls and run time.
//
// Access needs the console token (from the config's secret source, never
// rendered); a login sets a session cookie. Every action is a POST that
// carries the session's CSRF token and a same-origin Origin header.
package console

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/vtsync/vtsync/mapping"
	vtsync "github.com/vtsync/vtsync/sync"
)

//go:embed assets
var assets embed.FS

//go:embed templates/*.html
var templateFS embed.FS

// sessionTTL is how long a login lasts.
const sessionTTL = 12 * time.Hour

// cookieName names the session cookie.
const cookieName = "vtsync_console"

// Options configure the console.
type Options struct {
	// Token is what a person types to log in. Required.
	Token string
	// Location is the provider's zone, for showing times.
	Location *time.Location
	// Provider names the provider in the page title.
	Provider string
	// Secrets masks secrets in anything rendered from errors (an error
	// from a client could, in theory, quote a credential).
	Secrets func(string) string
	Logger  *slog.Logger
	// Now is the clock (tests).
	Now func() time.Time
}

// Server is the console's http.Handler.
type Server struct {
	r    *Runner
	opts Options
	tmpl *template.Template
	mux  *http.ServeMux

	mu       sync.Mutex
	sessions map[string]session
	check    *checkResult
}

type session struct {
	csrf    string
	expires time.Time
}

type checkResult struct {
	At     time.Time
	Report *vtsync.CheckReport
	Error  string
}

// New returns the console for the runner.
func New(r *Runner, opts Options) (*Server, error) {
	if opts.Token == "" {
		return nil, errors.New("console: no token: set the environment variable the config's console.token_env names")
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Secrets == nil {
		opts.Secrets = func(s string) string { return s }
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{r: r, opts: opts, sessions: map[string]session{}}
	tmpl, err := template.New("").Funcs(s.funcs()).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	s.tmpl = tmpl
	static, _ := fs.Sub(assets, "assets")
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("GET /{$}", s.auth(s.dashboard))
	mux.HandleFunc("GET /runs/{n}", s.auth(s.runPage))
	mux.HandleFunc("GET /held", s.auth(s.heldPage))
	mux.HandleFunc("POST /logout", s.action(s.logout))
	mux.HandleFunc("POST /check", s.action(s.doCheck))
	mux.HandleFunc("POST /preview", s.action(s.doPreview))
	mux.HandleFunc("POST /run", s.action(s.doRun))
	mux.HandleFunc("POST /held/approve", s.action(s.doApprove))
	mux.HandleFunc("POST /conflicts/resolve", s.action(s.doResolve))
	mux.HandleFunc("POST /failures/release", s.action(s.doRelease))
	s.mux = mux
	return s, nil
}

// ServeHTTP implements http.Handler, with headers that keep the pages
// from being framed, sniffed or running anything but themselves.
func (s *Server) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	s.mux.ServeHTTP(w, req)
}

// page is what every template gets.
type page struct {
	Title    string
	Provider string
	CSRF     string
	Flash    string
	Error    string
	Data     any
}

func (s *Server) render(w http.ResponseWriter, status int, name string, p page) {
	p.Provider = s.opts.Provider
	p.Error = s.opts.Secrets(p.Error)
	p.Flash = s.opts.Secrets(p.Flash)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.tmpl.ExecuteTemplate(w, name, p); err != nil {
		s.opts.Logger.Error("console: render", "page", name, "err", err)
	}
}

// --- sessions, login, CSRF

func (s *Server) session(req *http.Request) (string, session, bool) {
	c, err := req.Cookie(cookieName)
	if err != nil {
		return "", session{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.sessions[c.Value]
	if !ok || s.opts.Now().After(ss.expires) {
		delete(s.sessions, c.Value)
		return "", session{}, false
	}
	return c.Value, ss, true
}

// auth sends a visitor without a session to the login page.
func (s *Server) auth(h func(http.ResponseWriter, *http.Request, session)) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		_, ss, ok := s.session(req)
		if !ok {
			http.Redirect(w, req, "/login", http.StatusSeeOther)
			return
		}
		h(w, req, ss)
	}
}

// action guards a POST: a session, a same-origin request, and the
// session's CSRF token in the form.
func (s *Server) action(h func(http.ResponseWriter, *http.Request, session)) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		_, ss, ok := s.session(req)
		if !ok {
			http.Error(w, "log in first", http.StatusUnauthorized)
			return
		}
		if !sameOrigin(req) {
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
		req.Body = http.MaxBytesReader(w, req.Body, 64<<10)
		if subtle.ConstantTimeCompare([]byte(req.PostFormValue("csrf")), []byte(ss.csrf)) != 1 {
			http.Error(w, "the form is out of date (CSRF check failed): reload the page and try again", http.StatusForbidden)
			return
		}
		h(w, req, ss)
	}
}

// sameOrigin accepts a request whose Origin (or, failing that, Referer)
// names this host; a request with neither comes from no browser page.
func sameOrigin(req *http.Request) bool {
	src := req.Header.Get("Origin")
	if src == "" || src == "null" {
		src = req.Header.Get("Referer")
	}
	if src == "" {
		return true
	}
	u, err := url.Parse(src)
	return err == nil && u.Host == req.Host
}

func (s *Server) loginPage(w http.ResponseWriter, req *http.Request) {
	s.render(w, http.StatusOK, "login.html", page{Title: "Log in"})
}

func (s *Server) login(w http.ResponseWriter, req *http.Request) {
	if !sameOrigin(req) {
		http.Error(w, "cross-origin request refused", http.StatusForbidden)
		return
	}
	req.Body = http.MaxBytesReader(w, req.Body, 8<<10)
	given := req.PostFormValue("token")
	if subtle.ConstantTimeCompare([]byte(given), []byte(s.opts.Token)) != 1 {
		s.opts.Logger.Warn("console: failed login", "remote", req.RemoteAddr)
		s.render(w, http.StatusUnauthorized, "login.html", page{Title: "Log in",
			Error: "That is not the console token. It is in the environment variable the config's console.token_env names."})
		return
	}
	id, csrf := randomHex(), randomHex()
	s.mu.Lock()
	s.sessions[id] = session{csrf: csrf, expires: s.opts.Now().Add(sessionTTL)}
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: id, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: req.TLS != nil, MaxAge: int(sessionTTL.Seconds())})
	http.Redirect(w, req, "/", http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, req *http.Request, _ session) {
	if id, _, ok := s.session(req); ok {
		s.mu.Lock()
		delete(s.sessions, id)
		s.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1})
	http.Redirect(w, req, "/login", http.StatusSeeOther)
}

func randomHex() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// --- pages

// dashboardData is the main page.
type dashboardData struct {
	Check     *checkResult
	Held      *Held
	Latest    *Run
	Failures  []vtsync.Failure
	Conflicts []conflictView
	Runs      []Run
	Chart     template.HTML
}

// conflictView is a conflict with the names a person knows it by.
type conflictView struct {
	mapping.Conflict
	Key     string
	Learner string
	Course  string
}

func (s *Server) dashboard(w http.ResponseWriter, req *http.Request, ss session) {
	d := dashboardData{Held: s.r.Held(), Runs: s.r.Runs()}
	s.mu.Lock()
	d.Check = s.check
	s.mu.Unlock()
	for i := range d.Runs {
		if d.Runs[i].Report != nil {
			d.Latest = &d.Runs[i]
			break
		}
	}
	if d.Latest != nil {
		d.Failures = append(d.Failures, d.Latest.Report.Failures...)
		d.Failures = append(d.Failures, d.Latest.Report.NeedsPerson...)
	}
	d.Conflicts = s.conflictViews(req.Context())
	d.Chart = chart(d.Runs)
	s.render(w, http.StatusOK, "dashboard.html", page{Title: "Overview", CSRF: ss.csrf, Flash: req.URL.Query().Get("done"), Data: d})
}

func (s *Server) conflictViews(ctx context.Context) []conflictView {
	names := s.r.Names()
	var out []conflictView
	for _, c := range s.r.Conflicts(ctx) {
		v := conflictView{Conflict: c, Key: c.Key()}
		if c.Proposed != nil {
			v.Learner = nameOr(names.Users, c.Proposed.UserSISID)
			v.Course = nameOr(names.Courses, c.Proposed.CourseSISID)
		}
		out = append(out, v)
	}
	return out
}

func (s *Server) runPage(w http.ResponseWriter, req *http.Request, ss session) {
	n, err := strconv.Atoi(req.PathValue("n"))
	run, ok := s.r.RunByNumber(n)
	if err != nil || !ok {
		s.render(w, http.StatusNotFound, "message.html", page{Title: "No such run", CSRF: ss.csrf,
			Error: "The console remembers the last 30 runs since it started; this one is not among them."})
		return
	}
	s.render(w, http.StatusOK, "run.html", page{Title: "Run " + strconv.Itoa(n), CSRF: ss.csrf, Data: run})
}

// planView is a plan described for people.
type planView struct {
	ID     string
	Plan   *vtsync.Plan
	Groups []Group
}

func (s *Server) heldPage(w http.ResponseWriter, req *http.Request, ss session) {
	h := s.r.Held()
	if h == nil {
		s.render(w, http.StatusOK, "message.html", page{Title: "No held plan", CSRF: ss.csrf,
			Flash: "No plan is waiting for approval."})
		return
	}
	s.render(w, http.StatusOK, "plan.html", page{Title: "Held plan", CSRF: ss.csrf,
		Data: planView{ID: h.ID, Plan: h.Plan, Groups: Describe(h.Plan.Ops, h.Names)}})
}

// --- actions

func (s *Server) doCheck(w http.ResponseWriter, req *http.Request, ss session) {
	rep, err := s.r.Check(req.Context())
	c := &checkResult{At: s.opts.Now(), Report: rep}
	if err != nil {
		c.Error = s.opts.Secrets(err.Error())
	}
	s.mu.Lock()
	s.check = c
	s.mu.Unlock()
	http.Redirect(w, req, "/?done=Connection+check+finished", http.StatusSeeOther)
}

func (s *Server) doPreview(w http.ResponseWriter, req *http.Request, ss session) {
	p, err := s.r.Preview(req.Context())
	if err != nil {
		s.render(w, http.StatusBadGateway, "message.html", page{Title: "Preview failed", CSRF: ss.csrf, Error: err.Error()})
		return
	}
	s.render(w, http.StatusOK, "plan.html", page{Title: "Dry run: what a run would change now", CSRF: ss.csrf,
		Data: planView{Plan: p, Groups: Describe(p.Ops, p.Names())}})
}

func (s *Server) doRun(w http.ResponseWriter, req *http.Request, ss session) {
	run, _ := s.r.RunOnce(req.Context(), "run started in the console")
	http.Redirect(w, req, "/runs/"+strconv.Itoa(run.N), http.StatusSeeOther)
}

func (s *Server) doApprove(w http.ResponseWriter, req *http.Request, ss session) {
	run, err := s.r.ApproveHeld(req.Context(), req.PostFormValue("id"))
	if errors.Is(err, ErrNotFound) {
		s.render(w, http.StatusNotFound, "message.html", page{Title: "Held plan", CSRF: ss.csrf, Error: err.Error()})
		return
	}
	http.Redirect(w, req, "/runs/"+strconv.Itoa(run.N), http.StatusSeeOther)
}

func (s *Server) doResolve(w http.ResponseWriter, req *http.Request, ss session) {
	err := s.r.Resolve(req.Context(), req.PostFormValue("key"), req.PostFormValue("choice"))
	switch {
	case errors.Is(err, ErrNotFound):
		s.render(w, http.StatusNotFound, "message.html", page{Title: "Conflict", CSRF: ss.csrf, Error: err.Error()})
	case err != nil:
		s.render(w, http.StatusBadGateway, "message.html", page{Title: "Conflict", CSRF: ss.csrf, Error: err.Error()})
	default:
		msg := "Kept the result in VETtrak"
		if req.PostFormValue("choice") == ChoiceOurs {
			msg = "Wrote the vtsync result to VETtrak"
		}
		http.Redirect(w, req, "/?done="+url.QueryEscape(msg), http.StatusSeeOther)
	}
}

func (s *Server) doRelease(w http.ResponseWriter, req *http.Request, ss session) {
	key := req.PostFormValue("key")
	if key == "" {
		s.render(w, http.StatusBadRequest, "message.html", page{Title: "Release", CSRF: ss.csrf, Error: "no key given"})
		return
	}
	if err := s.r.Release(req.Context(), key); err != nil {
		s.render(w, http.StatusBadGateway, "message.html", page{Title: "Release", CSRF: ss.csrf, Error: err.Error()})
		return
	}
	http.Redirect(w, req, "/?done="+url.QueryEscape("The next run will try it again"), http.StatusSeeOther)
}
