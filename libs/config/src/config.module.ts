import { DynamicModule, Global, Module } from '@nestjs/common';
import { CarveConfig, loadConfig } from './carve-config';

/** Makes the one CarveConfig injectable everywhere. Apps pass the instance they loaded at boot. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: CarveConfig = loadConfig()): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CarveConfig, useValue: config }], exports: [CarveConfig] };
  }
}
