package sandbox

import "net/http"

func handleOpenAPI(w http.ResponseWriter, r *http.Request) {}
