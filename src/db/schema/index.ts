export * from './access.ts'
export * from './audit.ts'
export * from './platform.ts'
export * from './programmes.ts'
