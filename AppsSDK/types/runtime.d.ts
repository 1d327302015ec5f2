// What Airlock's JavaScript runtime gives an app besides the Apps-Engine (Sources/JavaScriptRuntime/JavaScript):
// CommonJS, console, timers, Buffer, URL, TextEncoder/TextDecoder, Web Crypto, and Node-compatible `buffer`,
// `crypto`, `url`, `querystring`, `path`, `util` and `uuid` modules. Not Node: no fs, net, child_process or process.

declare var module: { exports: any };
declare var exports: any;
declare function require(id: string): any;

declare var console: {
    log(...items: any[]): void;
    info(...items: any[]): void;
    warn(...items: any[]): void;
    error(...items: any[]): void;
    debug(...items: any[]): void;
};

declare function setTimeout(callback: (...args: any[]) => void, ms?: number, ...args: any[]): number;
declare function clearTimeout(id?: number): void;
declare function setInterval(callback: (...args: any[]) => void, ms?: number, ...args: any[]): number;
declare function clearInterval(id?: number): void;
declare function queueMicrotask(callback: () => void): void;

type BufferEncoding = 'utf8' | 'utf-8' | 'hex' | 'base64' | 'base64url' | 'latin1' | 'binary' | 'ascii';

interface Buffer extends Uint8Array {
    toString(encoding?: BufferEncoding, start?: number, end?: number): string;
    equals(other: Uint8Array): boolean;
    slice(start?: number, end?: number): Buffer;
    subarray(start?: number, end?: number): Buffer;
    write(text: string, offset?: number, encoding?: BufferEncoding): number;
}
interface BufferConstructor {
    from(value: string, encoding?: BufferEncoding): Buffer;
    from(value: ArrayBuffer | ArrayLike<number> | Uint8Array): Buffer;
    alloc(size: number, fill?: number): Buffer;
    concat(buffers: Uint8Array[], length?: number): Buffer;
    byteLength(value: string, encoding?: BufferEncoding): number;
    isBuffer(value: any): value is Buffer;
}
declare var Buffer: BufferConstructor;

declare class TextEncoder {
    encode(text?: string): Uint8Array;
}
declare class TextDecoder {
    constructor(label?: string);
    decode(bytes?: Uint8Array): string;
}

declare class URL {
    constructor(url: string, base?: string);
    href: string;
    protocol: string;
    host: string;
    hostname: string;
    port: string;
    pathname: string;
    search: string;
    hash: string;
    origin: string;
    readonly searchParams: URLSearchParams;
    toString(): string;
}
declare class URLSearchParams {
    constructor(init?: string | Record<string, string>);
    get(name: string): string | null;
    set(name: string, value: string): void;
    append(name: string, value: string): void;
    has(name: string): boolean;
    toString(): string;
}

declare module 'crypto' {
    interface Hash {
        update(data: string | Uint8Array, encoding?: BufferEncoding): Hash;
        digest(): Buffer;
        digest(encoding: BufferEncoding): string;
    }
    export function createHash(algorithm: 'sha1' | 'sha256' | 'sha512' | 'md5' | string): Hash;
    export function createHmac(algorithm: 'sha1' | 'sha256' | 'sha512' | 'md5' | string, key: string | Uint8Array): Hash;
    export function randomBytes(size: number): Buffer;
    export function randomUUID(): string;
    export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
}
