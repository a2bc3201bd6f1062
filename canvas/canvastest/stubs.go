package canvastest

func (s *Server) createSISImport(x *rctx)     { x.notFound() }
func (s *Server) listSISImports(x *rctx)      { x.notFound() }
func (s *Server) getSISImport(x *rctx)        { x.notFound() }
func (s *Server) listSISImportErrors(x *rctx) { x.notFound() }
func (s *Server) abortSISImport(x *rctx)      { x.notFound() }

type sisImport struct{ SISImport }
