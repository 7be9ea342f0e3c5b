package legacy

import "net/http"

// login is the storefront sign-in form's POST: any username and password
// sign in, and the session cookie marks the customer on later pages.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Redirect(w, r, "/customer/account/login/", http.StatusFound)
		return
	}
	username, password := r.PostFormValue("login[username]"), r.PostFormValue("login[password]")
	if username == "" || password == "" {
		http.Redirect(w, r, "/customer/account/login/", http.StatusFound)
		return
	}
	sid := s.randomString(26, lowerAlnum)
	s.customers.remember(s.customers.sessions, sid, s.customers.signIn(username))
	s.setSessionCookies(w, sid)
	w.Header().Set("Cache-Control", "no-store, no-cache, must-revalidate, max-age=0")
	http.Redirect(w, r, "/customer/account/", http.StatusFound)
}

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := s.session(r); !ok {
		http.Redirect(w, r, "/customer/account/login/", http.StatusFound)
		return
	}
	s.writePrivatePage(w, r, http.StatusOK, "account", pageData{Title: "My Account", BodyClass: "customer-account-index"})
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.writePrivatePage(w, r, http.StatusOK, "login", pageData{Title: "Customer Login", BodyClass: "customer-account-login"})
}
