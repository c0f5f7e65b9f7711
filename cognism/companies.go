package cognism

import (
	"context"
	"net/url"
)

var endpointCompany = endpoint{"GET", "/api/v1/company/{name}", authHeader}

// CompanyByName returns the companies whose name or path matches name,
// case-insensitively. No match is an empty slice, not an error.
func (c *Client) CompanyByName(ctx context.Context, name string) ([]Company, error) {
	cl := call{endpoint: endpointCompany, path: "/api/v1/company/" + url.PathEscape(name)}

	var companies []Company
	if err := c.getJSON(ctx, cl, &companies); err != nil {
		return nil, err
	}
	return companies, nil
}
