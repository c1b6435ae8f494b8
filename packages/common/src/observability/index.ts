export * from './health';
export * from './metrics';
export * from './request-context';
export * from './requests';
