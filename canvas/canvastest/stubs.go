package canvastest

func (s *Server) listAssignments(x *rctx)               { x.notFound() }
func (s *Server) getAssignment(x *rctx)                 { x.notFound() }
func (s *Server) listAssignmentSubmissions(x *rctx)     { x.notFound() }
func (s *Server) listStudentSubmissions(x *rctx)        { x.notFound() }
func (s *Server) listSectionStudentSubmissions(x *rctx) { x.notFound() }
func (s *Server) userProgress(x *rctx)                  { x.notFound() }
func (s *Server) bulkUserProgress(x *rctx)              { x.notFound() }
func (s *Server) createSISImport(x *rctx)               { x.notFound() }
func (s *Server) listSISImports(x *rctx)                { x.notFound() }
func (s *Server) getSISImport(x *rctx)                  { x.notFound() }
func (s *Server) listSISImportErrors(x *rctx)           { x.notFound() }
func (s *Server) abortSISImport(x *rctx)                { x.notFound() }

type sisImport struct{ SISImport }
