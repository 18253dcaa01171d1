// A client-rendered app served as static files by the API.
export const ssr = false;
export const prerender = false;
export const trailingSlash = 'never';
