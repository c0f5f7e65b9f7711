package sandbox

import "net/http"

func (s *Server) handleDocumentsJSON(w http.ResponseWriter, r *http.Request)      {}
func (s *Server) handleDocumentsText(w http.ResponseWriter, r *http.Request)      {}
func (s *Server) handleEntitySearch(w http.ResponseWriter, r *http.Request)       {}
func (s *Server) handleSubscriptionList(w http.ResponseWriter, r *http.Request)   {}
func (s *Server) handleSubscriptionCreate(w http.ResponseWriter, r *http.Request) {}
func (s *Server) handleSubscriptionGet(w http.ResponseWriter, r *http.Request)    {}
func (s *Server) handleSubscriptionModify(w http.ResponseWriter, r *http.Request) {}
func (s *Server) handleSubscriptionDelete(w http.ResponseWriter, r *http.Request) {}
func (s *Server) handleWebsocket(w http.ResponseWriter, r *http.Request)          {}
func (s *Server) handleSessionPush(w http.ResponseWriter, r *http.Request)        {}
func (s *Server) handleInjectEvent(w http.ResponseWriter, r *http.Request)        {}
func handleOpenAPI(w http.ResponseWriter, r *http.Request)                        {}

type live struct{}

func newLive(s *Server) *live               { return &live{} }
func (l *live) start(ctx interface{}) error { return nil }
func (l *live) stop()                       {}
