import { type ImageServer, imageName } from './types.js';

/** The page the official nginx image serves at `/` (its /usr/share/nginx/html/index.html). */
const WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
    body {
        width: 35em;
        margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif;
    }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

/** nginx's version from the image tag when it is one (`nginx:1.10.3`); `latest` in the workshop's time was 1.11. */
export function nginxVersion(image: string): string {
  const { tag } = imageName(image);
  return tag && /^\d+\.\d+(\.\d+)?$/.test(tag) ? tag : '1.11.9';
}

export const nginxServer: ImageServer = {
  protocol: 'http',
  async answer(request, task) {
    const server = `nginx/${nginxVersion(task.image)}`;
    const headers = { server, 'content-type': 'text/html' };
    if (request.method !== 'GET' && request.method !== 'HEAD') return { status: 405, headers, body: errorPage(405, 'Not Allowed', server) };
    if (request.path === '/' || request.path === '/index.html') return { status: 200, headers, body: WELCOME };
    return { status: 404, headers, body: errorPage(404, 'Not Found', server) };
  },
};

function errorPage(status: number, reason: string, server: string): string {
  return `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body bgcolor="white">\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>${server}</center>\r\n</body>\r\n</html>\r\n`;
}
