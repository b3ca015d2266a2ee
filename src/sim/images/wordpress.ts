import { connect } from 'node:net';
import type { HttpAnswer, ImageServer } from './types.js';

const HEADERS = { server: 'Apache/2.4.10 (Debian)', 'x-powered-by': 'PHP/5.6.30', 'content-type': 'text/html; charset=UTF-8' };
const DB_WAIT_MS = 3000;

/**
 * WordPress before its installation: with a database it sends `/` to the installer, without one
 * every page is WordPress' own "Error establishing a database connection".
 */
export const wordpressServer: ImageServer = {
  protocol: 'http',
  async answer(request, task) {
    const database = task.env.WORDPRESS_DB_HOST || 'mysql';
    const reached = await reachMysql(database);
    if (reached !== true) return databaseError(database, reached);
    if (request.path === '/' || request.path === '/index.php')
      return { status: 302, headers: { ...HEADERS, location: '/wp-admin/install.php' }, body: '' };
    if (request.path === '/wp-admin/install.php') return { status: 200, headers: HEADERS, body: installPage(database) };
    return {
      status: 404,
      headers: HEADERS,
      body: '<!DOCTYPE html><html><head><title>Page not found | WordPress</title></head><body><h1>Not Found</h1></body></html>',
    };
  },
};

/** As WordPress connects: `host[:port]`, port 3306 by default; true once the server greets like MySQL. */
function reachMysql(hostPort: string): Promise<true | string> {
  const [host, port] = hostPort.includes(':')
    ? [hostPort.slice(0, hostPort.lastIndexOf(':')), Number(hostPort.slice(hostPort.lastIndexOf(':') + 1))]
    : [hostPort, 3306];
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (result: true | string) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(DB_WAIT_MS, () => finish(`no answer from ${hostPort} within ${DB_WAIT_MS / 1000} s`));
    socket.once('error', (error) => finish(error.message));
    socket.once('data', (data) => finish(data[4] === 10 ? true : `${hostPort} is not a MySQL server`));
    socket.once('end', () => finish(`${hostPort} closed the connection`));
  });
}

function databaseError(database: string, reason: string): HttpAnswer {
  const comment = `${database}: ${reason}`.replace(/--/g, '- -').replace(/[<>]/g, '');
  return {
    status: 500,
    headers: HEADERS,
    body: `<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en-US">
<head>
	<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
	<title>WordPress &rsaquo; Database Error</title>
</head>
<body id="error-page">
	<h1>Error establishing a database connection</h1>
	<!-- ${comment} -->
</body>
</html>
`,
  };
}

function installPage(database: string): string {
  const safe = database.replace(/[&<>"']/g, '');
  return `<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en-US">
<head>
	<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
	<title>WordPress &rsaquo; Installation</title>
</head>
<body class="wp-core-ui">
<p id="logo"><a href="https://wordpress.org/" tabindex="-1">WordPress</a></p>
<h1>Welcome</h1>
<p>Welcome to the famous five-minute WordPress installation process! Just fill in the information below and you&#8217;ll be on your way to using the most extendable and powerful personal publishing platform in the world.</p>
<!-- connected to the database at ${safe} -->
</body>
</html>
`;
}
