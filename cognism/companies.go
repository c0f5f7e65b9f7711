package cognism

import (
	"context"
	"errors"
	"net/url"
	"strings"
)

var endpointCompany = endpoint{"GET", "/api/v1/company/{name}", authHeader}

// CompanyByName returns the companies whose name or path matches name,
// case-insensitively. No match is an empty slice, not an error.
func (c *Client) CompanyByName(ctx context.Context, name string) ([]Company, error) {
	if name == "" {
		return nil, errors.New("cognism: company name is empty")
	}
	cl := call{endpoint: endpointCompany, path: "/api/v1/company/" + pathSegment(name)}

	var companies []Company
	if err := c.getJSON(ctx, cl, &companies); err != nil {
		return nil, err
	}
	return companies, nil
}

// pathSegment escapes s as one path segment. The dot segments "." and ".."
// are escaped too, because servers and proxies would otherwise resolve
// them as "this" and "parent" directory.
func pathSegment(s string) string {
	if s == "." || s == ".." {
		return strings.Repeat("%2E", len(s))
	}
	return url.PathEscape(s)
}
