-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "watchdogOnErrorLoop" TEXT NOT NULL DEFAULT 'notify',
ADD COLUMN     "watchdogOnStall" TEXT NOT NULL DEFAULT 'notify',
ADD COLUMN     "watchdogStallSeconds" INTEGER NOT NULL DEFAULT 600;

-- AlterTable
ALTER TABLE "Runner" ADD COLUMN     "watchdog" TEXT,
ADD COLUMN     "watchdogDetail" TEXT,
ADD COLUMN     "watchdogSince" TIMESTAMP(3);
