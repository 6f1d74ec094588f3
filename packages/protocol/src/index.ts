export * from './codes.ts';
export * from './frames.ts';
export * from './limits.ts';
export * from './http.ts';
