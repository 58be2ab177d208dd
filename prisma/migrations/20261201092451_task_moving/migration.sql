-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "movingSince" TIMESTAMP(3);
