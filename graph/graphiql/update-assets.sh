#!/usr/bin/env bash
# Refreshes the vendored GraphiQL, React and ReactDOM browser builds in static/ from the npm
# registry with `npm pack`.
#
#   graph/graphiql/update-assets.sh [GRAPHIQL_VERSION [REACT_VERSION]]
#
# File names carry the version, so the server can cache them for a year. After a version
# change, update the script and stylesheet paths in graph/graphiql.go; the gateway's tests
# fail while the page names a file that static/ lacks.
set -euo pipefail

graphiql_version=${1:-4.1.2}
react_version=${2:-18.3.1}
static_dir="$(cd "$(dirname "$0")" && pwd)/static"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

npm pack --silent "graphiql@$graphiql_version" "react@$react_version" \
  "react-dom@$react_version" >/dev/null
for pkg in "graphiql-$graphiql_version" "react-$react_version" "react-dom-$react_version"; do
  mkdir "$pkg"
  tar -xzf "$pkg.tgz" -C "$pkg" --strip-components=1
done

for file in "graphiql-$graphiql_version/graphiql.min.js" \
  "graphiql-$graphiql_version/graphiql.min.css" \
  "react-$react_version/umd/react.production.min.js" \
  "react-dom-$react_version/umd/react-dom.production.min.js"; do
  if [[ ! -f $file ]]; then
    echo "update-assets: $file is missing from the npm package; React 19 and later ship" \
      "no UMD build, so pick a React 18 version" >&2
    exit 1
  fi
done

rm -f "$static_dir"/*.js "$static_dir"/*.css "$static_dir"/LICENSE-*
cp "graphiql-$graphiql_version/graphiql.min.js" "$static_dir/graphiql-$graphiql_version.min.js"
cp "graphiql-$graphiql_version/graphiql.min.css" "$static_dir/graphiql-$graphiql_version.min.css"
cp "react-$react_version/umd/react.production.min.js" \
  "$static_dir/react-$react_version.production.min.js"
cp "react-dom-$react_version/umd/react-dom.production.min.js" \
  "$static_dir/react-dom-$react_version.production.min.js"
cp "graphiql-$graphiql_version/LICENSE" "$static_dir/LICENSE-graphiql"
cp "react-$react_version/LICENSE" "$static_dir/LICENSE-react"
cp "react-dom-$react_version/LICENSE" "$static_dir/LICENSE-react-dom"

cat >"$static_dir/README.md" <<EOF
# Vendored GraphiQL assets

graphiql $graphiql_version (\`graphiql.min.js\`, \`graphiql.min.css\`, which bundle the
graphql-ws client for subscriptions), react $react_version and react-dom $react_version
(\`umd/*.production.min.js\`), copied unchanged from their npm packages together with their
MIT LICENSE files. The gateway embeds them and serves them under \`/graphiql/static/\`.

Refresh them with \`graph/graphiql/update-assets.sh [GRAPHIQL_VERSION [REACT_VERSION]]\`,
then update the file names in \`graph/graphiql.go\`.
EOF

echo "update-assets: static/ now holds graphiql $graphiql_version and react $react_version;" \
  "update the paths in graph/graphiql.go if a version changed"
