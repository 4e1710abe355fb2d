import { Injectable } from '@nestjs/common';
import { CarveConfig } from '@carve/config';
import type { RescueImage } from './rescue-boot';

/** The rescue image as configured (CARVE_RESCUE_KERNEL, CARVE_RESCUE_RAMDISK, CARVE_RESCUE_CMDLINE), the same on every host. */
@Injectable()
export class RescueImageSettings {
  readonly image: RescueImage;

  constructor(config: CarveConfig) {
    this.image = { kernel: config.rescueKernelPath, ramdisk: config.rescueRamdiskPath, cmdline: config.rescueCmdline };
  }
}
