/** The built web UI's directory (index.html, app.js, app.css). */
export declare const webDistUrl: URL;
